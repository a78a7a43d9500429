package main

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
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
		var out bytes.Buffer
		measureChain(&out, 1000)
		// Nothing sleeps, so no virtual time passes.
		want := "1000\n  building the chain: 0s (0ns a gopher)\n  the whisper's trip: 0s (0ns a hop)\n  memory: "
		var total, stack, heap int
		_, err := fmt.Sscanf(strings.TrimPrefix(out.String(), want), "%d bytes a gopher (%d of stack, %d of heap", &total, &stack, &heap)
		if !strings.HasPrefix(out.String(), want) || err != nil {
			t.Fatalf("measureChain(1000) printed:\n%s\nwant it to start:\n%s (%v)", out.String(), want, err)
		}
		// Each gopher has a stack of 2 KB (4 KB under the race detector) and
		// a channel on the heap. Some still reuse stacks and goroutine
		// records left in caches, so only loose bounds hold.
		if stack < 512 || heap < 64 || total < stack+heap-1 || total > stack+heap+1 {
			t.Fatalf("a gopher took %d bytes: %d of stack and %d of heap; want at least 512 and 64, adding up", total, stack, heap)
		}
	})
}
