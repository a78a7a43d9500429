package main

import (
	"bytes"
	"runtime"
	"testing"
	"testing/synctest"
)

// runOK runs the program with args and returns what it printed; an error fails the test.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(&out, args); err != nil {
		t.Fatalf("run(%q): %v", args, err)
	}
	return out.String()
}

// bubbled returns how many goroutines the caller's synctest bubble holds, the
// caller included, once every one of them has run as far as it can without
// time passing: a goroutine that sleeps or is blocked counts, one that has
// ended does not.
func bubbled() int {
	synctest.Wait()
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	// Each goroutine's header reads "goroutine N [state, synctest bubble B]:";
	// the caller's comes first.
	first, _, _ := bytes.Cut(buf, []byte("\n"))
	bubble := first[bytes.LastIndex(first, []byte(", synctest bubble ")):]
	n := 0
	for line := range bytes.Lines(buf) {
		if bytes.HasPrefix(line, []byte("goroutine ")) && bytes.HasSuffix(bytes.TrimSuffix(line, []byte("\n")), bubble) {
			n++
		}
	}
	return n
}

// The run with small flags. Inside the bubble the clock stands still while
// the counters work, so every cost reads 0ns and channels are "as cheap as
// anything" (the advice on real costs is TestAdvice's); the counts and sums
// are exact.
const smallRun = `Don't overdo it: a reference counter three ways, what an increment cost, then channels and sync together.

A reference counter, 3 goroutines × 100 increments = 300:
  channels (one goroutine owns it)   counted 300       0.0ns an increment
  sync.Mutex                         counted 300       0.0ns an increment
  sync/atomic (atomic.Int64)         counted 300       0.0ns an increment
Here channels were as cheap as anything: measure before you choose.

Working together: 2 workers squared the numbers 1 to 10; the squares sum to 385 (n(n+1)(2n+1)/6 = 385).
Channels carried the work, a WaitGroup closed the results, an atomic counted 10 squares handed over.
`

func TestRunShowsTheCountsAndTheSquaresExactly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		if got := runOK(t, "-goroutines", "3", "-increments", "100", "-jobs", "10", "-workers", "2"); got != smallRun {
			t.Errorf("run printed:\n%s\nwant:\n%s", got, smallRun)
		}
	})
}

func TestRunLeavesNoGoroutineBehind(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		runOK(t)
		if n := bubbled() - before; n != 0 {
			t.Fatalf("%d goroutines still alive when run returned, want 0", n)
		}
	})
}
