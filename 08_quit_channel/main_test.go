package main

import (
	"bytes"
	"runtime"
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

// showWithin runs show(w, seed) and fails the test, by a panic that names the
// fault, if it is still running after an hour of virtual time: a speaker who
// is never stopped keeps main receiving, and the fake clock running, for ever.
func showWithin(w *bytes.Buffer, seed uint64) {
	watchdog := time.AfterFunc(time.Hour, func() {
		panic("show still running after an hour of virtual time: a speaker was never stopped, or main never stopped waiting for one")
	})
	defer watchdog.Stop()
	show(w, seed)
}

// The page's sample: what go run ./08_quit_channel prints with its default flags.
func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// Seed 13: main listens 3 times in each quit part. Joe pauses 1, 76,
		// 22ms, then 67ms before he takes quit at 166ms; then 71, 78, 16ms,
		// and 52ms before "Bye!". In the context part Ann is ready at 387 and
		// 436ms, each time before Joe (414, 498ms), and waits for main to take
		// Joe's line first; at cancel (498ms) both are mid-pause, until 546
		// and 524ms, and stop at once. The Close part: 25 and 60ms, then
		// closed mid-pause. No two speakers' events come within 5ms.
		want := `Quit channel: main listens 1 to 10 times, then sends quit <- true.
   1ms Joe: 0
  77ms Joe: 1
  99ms Joe: 2
 166ms main: quit <- true returned: Joe took it after his pause, and returns.

Receive on quit channel: main sends "Bye!" on quit; Joe cleans up, then answers.
 237ms Joe: 0
 315ms Joe: 1
 331ms Joe: 2
 383ms Joe: (cleaning up)
 383ms Joe says: "See you!"

Going further, a context: one cancel() stops every speaker sharing it.
 414ms Joe: 0
 414ms Ann: 0
 498ms Joe: 1
 498ms Ann: 1
 498ms main: cancel(); Joe and Ann have both stopped and closed their channels.

Going further, Close() error: Joe's cleanup fails on purpose, to show that Close() returns its error.
 523ms Joe: 0
 583ms Joe: 1
 583ms main: Close() returned the cleanup's error: could not flush the notes (made up for this demo)
`
		var out bytes.Buffer
		showWithin(&out, 13)
		if out.String() != want {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}

func TestShowLeavesNoGoroutineBehind(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{1, 13} {
		synctest.Test(t, func(t *testing.T) {
			before := bubbled()
			showWithin(new(bytes.Buffer), seed)
			if n := bubbled() - before; n != 0 {
				t.Fatalf("seed %d: show returned with %d goroutines still sleeping or blocked, want 0: "+
					"a speaker was told to stop but has not returned", seed, n)
			}
		})
	}
}

func TestCheckAcceptsNoArguments(t *testing.T) {
	t.Parallel()
	if err := check(nil); err != nil {
		t.Errorf("check(nil) = %v, want nil", err)
	}
	if err := check([]string{"extra"}); err == nil {
		t.Error(`check(["extra"]) = nil, want an error`)
	}
}

// TestARunIsUnder2s bounds how often a seed makes a run take 2s or more. Each
// quit part takes main's count of Joe's pauses and one more, before he hears
// quit. The context part takes at most 198ms (Ann pauses while main waits for
// Joe, and Joe while main waits for Ann), the Close part two pauses. So a run
// is under 2s unless the quit parts' pauses add up to 2s less 4*99ms, or more.
func TestARunIsUnder2s(t *testing.T) {
	t.Parallel()
	const longest, limit = 99, 2000 - 4*99 // ms
	// sums[k] is the distribution of the sum of k pauses, each uniform in [0, 100) ms.
	sums := [][]float64{{1}}
	for k := 1; k <= 22; k++ {
		p := sums[k-1]
		q := make([]float64, len(p)+longest)
		for s, x := range p {
			for d := range longest + 1 {
				q[s+d] += x / (longest + 1)
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
