package main

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
)

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

// The page's sample: what go run ./summary prints with its default flags, the
// ledger's line aside. Inside the bubble the clock stands still while the
// counters work, so every cost reads 0.0ns and the advice is the one for equal
// costs (the advice on real costs is TestAdvice's); the page shows a real
// run's costs instead. The counts and sums are exact.
const page = `Don't overdo it: a reference counter three ways, what an increment cost, then channels and sync together.

A reference counter, 4 goroutines × 10000 increments = 40000:
  channels (one goroutine owns it)   counted 40000       0.0ns an increment
  sync.Mutex                         counted 40000       0.0ns an increment
  sync/atomic (atomic.Int64)         counted 40000       0.0ns an increment
Here channels were as cheap as anything: measure before you choose.

Working together: 4 workers squared the numbers 1 to 1000; the squares sum to 333833500.
Channels carried the work, a WaitGroup closed the results, an atomic counted 1000 squares handed over.
`

func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		show(&out, 4, 10_000)
		if out.String() != page {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), page)
		}
	})
}

func TestShowLeavesNoGoroutineBehind(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		show(new(bytes.Buffer), 3, 100)
		if n := bubbled() - before; n != 0 {
			t.Fatalf("%d goroutines still sleeping or blocked when show returned, want 0: the channel counter's owner or a squares worker was left behind", n)
		}
	})
}

func TestShowCountsEveryIncrement(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		show(&out, 3, 100)
		for _, want := range []string{"3 goroutines × 100 increments = 300:", "counted 300 "} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("show with 3 goroutines × 100 increments printed:\n%s\nwant it to contain %q", out.String(), want)
			}
		}
	})
}

func TestCheckAcceptsTheStatedBoundsOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		goroutines, increments int
		args                   []string
		ok                     bool
	}{
		{1, 1, nil, true}, {1000, 1_000_000, nil, true},
		{0, 100, nil, false}, {1001, 100, nil, false},
		{4, 0, nil, false}, {4, 1_000_001, nil, false},
		{4, 100, []string{"extra"}, false},
	} {
		if err := check(c.goroutines, c.increments, c.args); (err == nil) != c.ok {
			t.Errorf("check(%d, %d, %q) = %v, want ok %t", c.goroutines, c.increments, c.args, err, c.ok)
		}
	}
}
