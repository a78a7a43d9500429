package main

import (
	"bytes"
	"cmp"
	"fmt"
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

func TestMeasureChainPrintsWhatEachGopherCost(t *testing.T) {
	// Not parallel, so no other test's gophers come or go meanwhile. Ended
	// goroutines' stacks stay cached for reuse until a collection frees their
	// spans: collect first, so that the new gophers need new stacks.
	runtime.GC()
	const n = 1000
	var out bytes.Buffer
	measureChain(&out, n) // in real time: a bubble's clock would read 0s
	var buildText, tripText string
	var buildEach, tripEach, total, stack, heap float64
	_, err := fmt.Sscanf(out.String(), "1000\n  building the chain: %s (%fns a gopher)\n  the whisper's trip: %s (%fns a hop)\n"+
		"  memory: %f bytes a gopher (%f of stack, %f of heap", &buildText, &buildEach, &tripText, &tripEach, &total, &stack, &heap)
	build, err1 := time.ParseDuration(buildText)
	trip, err2 := time.ParseDuration(tripText)
	if err = cmp.Or(err, err1, err2); err != nil {
		t.Fatalf("measureChain(%d) printed:\n%s\n%v", n, out.String(), err)
	}
	// Each total is rounded to 0.1ms, each figure a gopher to 1ns.
	near := func(x, y, within float64) bool { return x-y <= within && y-x <= within }
	if !near(float64(build)/n, buildEach, 1e5/n+1) || !near(float64(trip)/n, tripEach, 1e5/n+1) {
		t.Errorf("build %v is not %vns a gopher, or trip %v not %vns a hop", build, buildEach, trip, tripEach)
	}
	// Each gopher has a stack of 2 KB (4 KB under the race detector) and
	// a channel on the heap. Some still reuse stacks and goroutine
	// records left in caches, so only loose bounds hold.
	if stack < 512 || heap < 64 || stack < heap || !near(total, stack+heap, 1) {
		t.Errorf("a gopher took %v bytes: %v of stack and %v of heap; want at least 512 and 64, adding up", total, stack, heap)
	}
}
