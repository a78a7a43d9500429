package main

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"
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

func TestRunPrintsTheResultAndTheCosts(t *testing.T) {
	t.Parallel()
	// In a bubble no time passes, so the times are exactly 0.
	synctest.Test(t, func(t *testing.T) {
		want := "A chain of 3 gophers, each adding one: 0 goes in at the right, out at the left comes\n" +
			"3\n" +
			"  building the chain: 0s (0ns a gopher)\n" +
			"  the whisper's trip: 0s (0ns a hop)\n" +
			"  memory: " // then measured figures
		if out := runOK(t, "-n", "3"); !strings.HasPrefix(out, want) || strings.Count(out, "\n") != 5 {
			t.Errorf("run -n 3 printed:\n%s\nwant it to start:\n%s", out, want)
		}
		want = "A chain of 0 gophers, each adding one: 0 goes in at the right, out at the left comes\n0\n"
		if out := runOK(t, "-n", "0"); out != want {
			t.Errorf("-n 0 printed %q, want %q", out, want)
		}
	})
}

func TestRunLeavesNoGoroutineBehind(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		out := runOK(t)
		if n := bubbled() - before; n != 0 {
			t.Fatalf("%d goroutines still alive when run returned, want 0", n)
		}
		const want = "A chain of 10000 gophers, each adding one: 0 goes in at the right, out at the left comes\n10000\n"
		if !strings.HasPrefix(out, want) {
			t.Errorf("run with default flags printed:\n%s\nwant it to start:\n%s", out, want)
		}
	})
}

func TestMeasureSeesTheChainsStackAndHeap(t *testing.T) {
	// Not parallel, so no other test's gophers come or go meanwhile. Ended
	// goroutines' stacks stay cached for reuse until a collection frees their
	// spans: collect first, so that the new gophers need new stacks.
	runtime.GC()
	synctest.Test(t, func(t *testing.T) {
		const n = 1000
		var out bytes.Buffer
		m := measureChain(&out, n)
		if out.String() != "1000\n" || m.n != n {
			t.Fatalf("measureChain(%d) printed %q and recorded n = %d", n, out.String(), m.n)
		}
		// Each gopher has a stack of 2 KB (4 KB under the race detector) and
		// a channel on the heap. Some still reuse stacks and goroutine
		// records left in caches, so only loose bounds hold.
		if m.stack < n*512 || m.heap < n*64 {
			t.Fatalf("the chain took %d bytes of stack and %d of heap, want at least 512 and 64 a gopher", m.stack, m.heap)
		}
		// Nothing sleeps, so no virtual time passes.
		if m.build != 0 || m.trip != 0 {
			t.Fatalf("build %v, trip %v of virtual time, want 0", m.build, m.trip)
		}
	})
}

func TestReportDividesEachFigureByN(t *testing.T) {
	m := chainCost{
		n:     100_000,
		build: 219_123_456 * time.Nanosecond,
		trip:  62_449_000 * time.Nanosecond,
		stack: 204_800_000,
		heap:  77_300_000,
	}
	want := "  building the chain: 219.1ms (2191ns a gopher)\n" +
		"  the whisper's trip: 62.4ms (624ns a hop)\n" +
		"  memory: 2821 bytes a gopher (2048 of stack, 773 of heap for the goroutine and its channel)\n"
	if got := m.report(); got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
	if got := (chainCost{}).report(); got != "" {
		t.Errorf("report for no gophers = %q, want nothing", got)
	}
}
