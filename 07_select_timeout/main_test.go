package main

import (
	"bytes"
	"math"
	"runtime"
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

func TestRunWithASeed(t *testing.T) {
	t.Parallel()
	const want = `Joe pauses up to 150ms after each of at most 10 messages; main stops listening at a timeout.
Timeout using select: 100ms for each message.
   0ms Joe: 0
  49ms Joe: 1
  90ms Joe: 2
 174ms Joe: 3
 230ms Joe: 4
 330ms You're too slow.
Timeout for whole conversation using select: 500ms in all.
   0ms Joe: 0
  75ms Joe: 1
 104ms Joe: 2
 235ms Joe: 3
 335ms Joe: 4
 350ms Joe: 5
 490ms Joe: 6
 500ms You talk too much.
Every Joe has said his last message; main returns.
`
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if got := runOK(t, "-seed", "9"); got != want {
			t.Errorf("run -seed 9 printed:\n%s\nwant:\n%s", got, want)
		}
		// The first Joe, drained from 330ms while the second part runs, ends
		// at 713ms, after his ten pauses. The second starts at 330ms and, drained
		// from 830ms, ends after his ten pauses (924ms in all): run returns then.
		// A drain in line would have started the second part at 713ms.
		if took := time.Since(start); took != ms(330+924) {
			t.Errorf("run returned after %v, want 1254ms, when the last Joe has ended", took)
		}
	})
}

func TestRunLeavesNoGoroutineBehind(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		runOK(t, "-seed", "1")
		if n := bubbled() - before; n != 0 {
			t.Fatalf("%d goroutines still alive when run returned, want 0", n)
		}
	})
}

func TestRunWithNoMessages(t *testing.T) {
	t.Parallel()
	const want = `Joe pauses up to 150ms after each of at most 0 messages; main stops listening at a timeout.
Timeout using select: 100ms for each message.
   0ms Joe has nothing more to say.
Timeout for whole conversation using select: 500ms in all.
   0ms Joe has nothing more to say.
Every Joe has said his last message; main returns.
`
	synctest.Test(t, func(t *testing.T) {
		if got := runOK(t, "-n", "0", "-seed", "9"); got != want {
			t.Errorf("run -n 0 printed:\n%s\nwant:\n%s", got, want)
		}
	})
}

// TestDefaultNKeepsARunUnder2s computes, from the distribution of Joe's
// pauses, how often a run with the default -n takes 2s or more, and how often
// the second Joe runs out of messages before the 500ms timeout. A run lasts
// until the later Joe ends: the first after all his pauses (S1), the second
// once the first part has ended (end1) and he has made all his pauses (S2).
// end1 is 100ms after the first pause of 100ms or more, or S1 if none is.
func TestDefaultNKeepsARunUnder2s(t *testing.T) {
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
	const n, limit = defaultN, 2000
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
	t.Logf("-n %d: a run takes 2s or more with probability %.2g; the second Joe runs out before 500ms with probability %.4f", n, slow, runsOut)
	if slow > 1e-7 || runsOut > 1.0/25 {
		t.Errorf("-n %d: P(run >= 2s) = %.2g, want under 1e-7; P(runs out) = %.4f, want under 1/25", n, slow, runsOut)
	}
}
