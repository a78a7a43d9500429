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

A reference counter, 4 goroutines × 100000 increments = 400000:
  channels (one goroutine owns it)   counted 400000       0.0ns an increment
  sync.Mutex                         counted 400000       0.0ns an increment
  sync/atomic (atomic.Int64)         counted 400000       0.0ns an increment
Here channels were as cheap as anything: measure before you choose.

Working together: 4 workers squared the numbers 1 to 1000; the squares sum to 333833500 (n(n+1)(2n+1)/6 = 333833500).
Channels carried the work, a WaitGroup closed the results, an atomic counted 1000 squares handed over.
`

func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		show(&out, 4, 100_000, 1000, 4)
		if out.String() != page {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), page)
		}
	})
}

func TestShowLeavesNoGoroutineBehind(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		show(new(bytes.Buffer), 3, 100, 10, 2)
		if n := bubbled() - before; n != 0 {
			t.Fatalf("%d goroutines still sleeping or blocked when show returned, want 0: the channel counter's owner or a squares worker was left behind", n)
		}
	})
}

func TestShowCountsEveryIncrementAndSquare(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		show(&out, 3, 100, 0, 2)
		for _, want := range []string{"counted 300 ", "sum to 0 (n(n+1)(2n+1)/6 = 0)", "an atomic counted 0 squares"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("show with 3 goroutines × 100 increments and 0 jobs printed:\n%s\nwant it to contain %q", out.String(), want)
			}
		}
	})
}

func TestCheckAcceptsTheStatedBoundsOnly(t *testing.T) {
	t.Parallel()
	ok := []int{4, 100, 10, 4}
	lo := []int{1, 1, 0, 1}
	hi := []int{maxGoroutines, maxIncrements, maxJobs, maxWorkers}
	try := func(i, v int, want bool) {
		vs := append([]int(nil), ok...)
		vs[i] = v
		if err := check(vs[0], vs[1], vs[2], vs[3], nil); (err == nil) != want {
			t.Errorf("check(%v) = %v, want ok %t", vs, err, want)
		}
	}
	for i := range ok {
		try(i, lo[i], true)
		try(i, hi[i], true)
		try(i, lo[i]-1, false)
		try(i, hi[i]+1, false)
	}
	if err := check(4, 100, 10, 4, []string{"extra"}); err == nil {
		t.Error("check accepted an argument after the flags")
	}
}
