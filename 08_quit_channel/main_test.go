package main

import (
	"bytes"
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
	// Seed 1: main listens 6 times in the first part, once in the second.
	const want = `Four ways to tell Joe to stop: a quit channel, a round trip on it, a context, Close() error.

Quit channel: main listens 1 to 10 times, then sends quit <- true.
Joe: 0
Joe: 1
Joe: 2
Joe: 3
Joe: 4
Joe: 5
main: quit <- true (Joe took it, so he returns).

Receive on quit channel: main sends "Bye!" on quit; Joe cleans up, then answers.
Joe: 0
Joe: (cleaning up)
Joe says: "See you!"

Going further, a context: one cancel() stops every speaker sharing it.
Joe: 0
Ann: 0
Joe: 1
Ann: 1
main: cancel(); Joe and Ann have both stopped and closed their channels.

Going further, Close() error: the cleanup's error comes back to the caller.
Joe: 0
Joe: 1
main: Close() returned could not flush the notes
`
	synctest.Test(t, func(t *testing.T) {
		// A speaker never stopped would keep main receiving for ever while
		// the fake clock runs on: fail then instead of hanging the test.
		watchdog := time.AfterFunc(time.Hour, func() { panic("run still running after an hour of virtual time") })
		defer watchdog.Stop()
		if got := runOK(t, "-seed", "1"); got != want {
			t.Errorf("run -seed 1 printed:\n%s\nwant:\n%s", got, want)
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

// TestRunIsUnder2s bounds how often a run takes 2s or more. Each quit part
// takes main's count of Joe's pauses and one more, before he hears quit. The
// context part takes at most 198ms (Ann pauses while main waits for Joe, and
// Joe while main waits for Ann), the Close part two pauses. So a run is under
// 2s unless the quit parts' pauses add up to 2s less 4*99ms, or more.
func TestRunIsUnder2s(t *testing.T) {
	t.Parallel()
	const max, limit = 99, 2000 - 4*99 // ms
	// sums[k] is the distribution of the sum of k pauses, each uniform in [0, 100) ms.
	sums := [][]float64{{1}}
	for k := 1; k <= 22; k++ {
		p := sums[k-1]
		q := make([]float64, len(p)+max)
		for s, x := range p {
			for d := range max + 1 {
				q[s+d] += x / (max + 1)
			}
		}
		sums = append(sums, q)
	}
	var slow float64
	for c1 := 1; c1 <= 10; c1++ { // main's counts, each uniform in 1 to 10
		for c2 := 1; c2 <= 10; c2++ {
			p := sums[c1+c2+2]
			for s := limit; s < len(p); s++ {
				slow += p[s] / 100
			}
		}
	}
	t.Logf("a run takes 2s or more with probability at most %.2g", slow)
	if slow > 1e-6 {
		t.Errorf("a run takes 2s or more with probability up to %.2g, want under one in a million", slow)
	}
}
