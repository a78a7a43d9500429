package main

import (
	"bytes"
	"fmt"
	"math"
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

// The page's sample: what go run ./07_select_timeout prints with its default flags.
func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	// Seed 173 draws the first Joe's pauses 31, 24, 65, 33, 3, 72, 40, then
	// 120ms: eight messages, then too slow. The second Joe's are 108, 113,
	// 124, 83, 81ms: each over 100ms but the last, yet heard, until 500ms.
	// No pause main waits out comes within 5ms of 100ms, no message within
	// 5ms of 500ms (the next would come at 509ms).
	const want = `Timeout using select: 100ms for each message (Joe pauses up to 150ms after each).
   0ms Joe: 0
  31ms Joe: 1
  55ms Joe: 2
 120ms Joe: 3
 153ms Joe: 4
 156ms Joe: 5
 228ms Joe: 6
 268ms Joe: 7
 368ms You're too slow.
Timeout for whole conversation using select: 500ms in all.
   0ms Joe: 0
 108ms Joe: 1
 221ms Joe: 2
 345ms Joe: 3
 428ms Joe: 4
 500ms You talk too much.
`
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var out bytes.Buffer
		show(&out, 10, 173)
		if out.String() != want {
			t.Errorf("show printed:\n%s\nwant:\n%s", out.String(), want)
		}
		// The first Joe, drained from 368ms while the second part runs, ends
		// at 538ms, after his ten pauses. The second starts at 368ms and,
		// drained from 868ms, ends after his ten pauses (901ms in all): show
		// returns then. A drain in line would have started the second part
		// only at 538ms.
		if took := time.Since(start); took != ms(368+901) {
			t.Errorf("show returned after %v, want 1.269s, when the last Joe has ended", took)
		}
	})
}

func TestShowLeavesNoGoroutineBehind(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		show(new(bytes.Buffer), 10, 1)
		if n := bubbled() - before; n != 0 {
			t.Fatalf("show returned with %d goroutines still sleeping or blocked, want 0: "+
				"a Joe is still talking to his drain (does main wait for the drains?)", n)
		}
	})
}

func TestShowWithNoMessages(t *testing.T) {
	t.Parallel()
	const want = `Timeout using select: 100ms for each message (Joe pauses up to 150ms after each).
   0ms Joe has nothing more to say.
Timeout for whole conversation using select: 500ms in all.
   0ms Joe has nothing more to say.
`
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if show(&out, 0, 173); out.String() != want {
			t.Errorf("with no messages show printed:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}

// With many messages each part ends at its timeout.
func TestShowWithTheMostMessages(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		show(&out, 1000, 173)
		for _, want := range []string{"ms You're too slow.\n", "ms You talk too much.\n"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("with 1000 messages show printed:\n%s\nwant a line ending %q", out.String(), want)
			}
		}
	})
}

func TestCheckRejectsAnArgument(t *testing.T) {
	t.Parallel()
	if err := check(nil); err != nil {
		t.Errorf("check(nil) = %v, want nil", err)
	}
	if err := check([]string{"extra"}); err == nil {
		t.Errorf("check([extra]) = nil, want an error")
	}
}

// TestTenMessagesKeepARunUnder2s computes, from the distribution of Joe's
// pauses, how often a run with main's 10 messages takes 2s or more, and how often
// the second Joe runs out of messages before the 500ms timeout. A run lasts
// until the later Joe ends: the first after all his pauses (S1), the second
// once the first part has ended (end1) and he has made all his pauses (S2).
// end1 is 100ms after the first pause of 100ms or more, or S1 if none is.
func TestTenMessagesKeepARunUnder2s(t *testing.T) {
	t.Parallel()
	// add returns the distribution of a sum distributed as p plus k pauses,
	// each uniform in [lo, hi) ms.
	add := func(p []float64, k, lo, hi int) []float64 {
		for range k {
			q := make([]float64, len(p)+hi-1)
			for s, x := range p {
				for d := lo; d < hi; d++ {
					q[s+d] += x / float64(hi-lo)
				}
			}
			p = q
		}
		return p
	}
	below := func(p []float64, x int) (c float64) { // P(sum < x)
		for s := range min(max(x, 0), len(p)) {
			c += p[s]
		}
		return c
	}
	const n, limit = 10, 2000
	none := []float64{1}
	s2 := add(none, n, 0, 150)
	var inTime float64     // P(the run ends before 2s)
	for k := range n + 1 { // k quick pauses (under 100ms), then a slow one, or none
		pk := math.Pow(2.0/3, float64(k))
		rest := add(add(none, 1, 100, 150), n-k-1, 0, 150) // the slow pause and those after it
		for a, pa := range add(none, k, 0, 100) {
			if k == n { // end1 = S1 = a, under 1s
				inTime += pk * pa * below(s2, limit-a)
			} else {
				inTime += pk / 3 * pa * below(rest, limit-a) * below(s2, limit-a-100)
			}
		}
	}
	slow, runsOut := 1-inTime, below(s2, 500)
	t.Logf("%d messages: a run takes 2s or more with probability %.2g; the second Joe runs out before 500ms with probability %.4f", n, slow, runsOut)
	if slow > 1e-7 || runsOut > 1.0/25 {
		t.Errorf("%d messages: P(run >= 2s) = %.2g, want under 1e-7; P(runs out) = %.4f, want under 1/25", n, slow, runsOut)
	}
}

// The ledger names each stuck goroutine by where it waits.
func TestLedgerNamesWhereGoroutinesAreStuck(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		stuck := make(chan string)
		_, _, line, _ := runtime.Caller(0)
		for range 2 {
			go func() { stuck <- "not yet received" }() // line+2: the line the ledger must name
		}
		synctest.Wait() // both are blocked in their send
		var out bytes.Buffer
		ledger(&out, 0)
		want := fmt.Sprintf("  2 sending on a channel in TestLedgerNamesWhereGoroutinesAreStuck.func1.1 at main_test.go:%d\n", line+2)
		if !strings.HasPrefix(out.String(), "goroutines still running: ") || !strings.Contains(out.String(), want) {
			t.Fatalf("ledger printed:\n%s\nwant a count, then the line\n%s", out.String(), want)
		}
		<-stuck
		<-stuck
	})
}
