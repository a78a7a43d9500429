package main

import (
	"bytes"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"
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

// costs is the shape of the lines that follow the result of a chain of at
// least 1000 gophers: their figures are measured, so they vary from run to run.
var costs = regexp.MustCompile(`^  built in \S+, \S+ a gopher; the whisper's trip took \S+, \S+ a hop
  memory: \d+ bytes a gopher \(-?\d+ of stack, \d+ of heap for the goroutine and its channel\)
$`)

// The page's sample: what go run ./09_daisy_chain prints with its default
// flags, but for the measured figures, which only their shape pins.
func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const want = "Gophers in the chain: 10000, each adding one. 0 goes in at the right; out at the left comes\n10000\n"
		var out bytes.Buffer
		show(&out, 10_000)
		got, rest, ok := strings.Cut(out.String(), "10000\n")
		if got += "10000\n"; !ok || got != want || !costs.MatchString(rest) {
			t.Fatalf("output:\n%s\nwant:\n%sthen the costs, shaped as\n%s", out.String(), want, costs)
		}
	})
}

// Chains shorter than 1000 gophers print no costs: their fixed costs would
// swamp the gophers'.
func TestShowOfShortChains(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		for _, n := range []int{0, 1, 999} {
			var out bytes.Buffer
			show(&out, n)
			if want := fmt.Sprintf("Gophers in the chain: %d, each adding one. 0 goes in at the right; out at the left comes\n%d\n", n, n); out.String() != want {
				t.Errorf("-n %d printed:\n%s\nwant:\n%s", n, out.String(), want)
			}
		}
	})
}

func TestShowLeavesNoGoroutineBehind(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		show(new(bytes.Buffer), 1000)
		if n := bubbled() - before; n != 0 {
			t.Fatalf("show returned with %d goroutines still blocked, want 0: gophers still wait for a whisper that never came", n)
		}
	})
}

func TestCheckAcceptsTheStatedBoundsOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n    int
		args []string
		ok   bool
	}{{0, nil, true}, {maxN, nil, true}, {-1, nil, false}, {maxN + 1, nil, false}, {5, []string{"extra"}, false}} {
		if err := check(c.n, c.args); (err == nil) != c.ok {
			t.Errorf("check(%d, %q) = %v, want ok %t", c.n, c.args, err, c.ok)
		}
	}
}

// show in real time: the figures must agree with each other and be what a
// goroutine costs, within loose bounds; no timing is asserted.
func TestShowPrintsWhatEachGopherCost(t *testing.T) {
	// Not parallel, so no other test's gophers come or go meanwhile. Ended
	// goroutines' stacks stay cached for reuse until a collection frees their
	// spans: collect first, so that the new gophers need new stacks.
	runtime.GC()
	const n = 1000
	var out bytes.Buffer
	show(&out, n) // in real time: a bubble's clock would read 0s
	var buildText, buildEachText, tripText, tripEachText string
	var total, stack, heap float64
	_, rest, _ := strings.Cut(out.String(), "\n")
	_, err := fmt.Sscanf(rest, "1000\n  built in %s %s a gopher; the whisper's trip took %s %s a hop\n"+
		"  memory: %f bytes a gopher (%f of stack, %f of heap", &buildText, &buildEachText, &tripText, &tripEachText, &total, &stack, &heap)
	if err != nil {
		t.Fatalf("show(%d) printed:\n%s\n%v", n, out.String(), err)
	}
	var d [4]time.Duration
	for i, s := range []string{strings.TrimSuffix(buildText, ","), buildEachText, strings.TrimSuffix(tripText, ","), tripEachText} {
		if d[i], err = time.ParseDuration(s); err != nil {
			t.Fatalf("show(%d) printed:\n%s\n%v", n, out.String(), err)
		}
	}
	// A total is rounded to the microsecond: over n it is its figure a
	// gopher within a nanosecond.
	near := func(total, each time.Duration) bool { return (total/n - each).Abs() <= 1 }
	if !near(d[0], d[1]) || !near(d[2], d[3]) {
		t.Errorf("build %v is not %v a gopher, or trip %v not %v a hop", d[0], d[1], d[2], d[3])
	}
	// Each gopher has a stack of 2 KB (4 KB under the race detector) and
	// a channel on the heap. Some still reuse stacks and goroutine
	// records left in caches, so only loose bounds hold.
	if stack < 512 || heap < 64 || stack < heap || (total-stack-heap) > 1 || (stack+heap-total) > 1 {
		t.Errorf("a gopher took %v bytes: %v of stack and %v of heap; want at least 512 and 64, adding up", total, stack, heap)
	}
}
