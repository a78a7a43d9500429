package main

import (
	"testing"
	"testing/synctest"
	"time"
)

// "Running it": called plainly, boring makes its caller wait until it is done.
// It says each message, then pauses, as in the talk.
func TestBoringSaysThenPausesAndStopsAfterN(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		out := newTranscript()
		start := time.Now()
		boring(out, "boring!", 3, every(ms(10)))
		if d := time.Since(start); d != ms(30) {
			t.Errorf("boring returned after %v, want 30ms: called plainly, it makes its caller wait for its three pauses", d)
		}
		if want := "   0ms boring! 0\n  10ms boring! 1\n  20ms boring! 2\n"; out.String() != want {
			t.Errorf("boring said:\n%s\nwant each message, then a pause:\n%s", out.String(), want)
		}
	})
}

// "Ignoring it": the go statement does not make main wait. main returns at
// once; boring goes on by itself.
func TestIgnoringItReturnsAtOnceWhileBoringGoesOn(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		out := newTranscript()
		start := time.Now()
		ignoringIt(out, 3, every(ms(10)))
		if d := time.Since(start); d != 0 {
			t.Errorf("ignoringIt returned after %v, want at once: the go statement does not make main wait for boring", d)
		}
		time.Sleep(time.Second) // boring is done after 30ms
		if want := "   0ms boring! 0\n  10ms boring! 1\n  20ms boring! 2\n"; out.String() != want {
			t.Errorf("after main returned boring said:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}

// "Ignoring it a little less": main and boring speak at the same time, and
// main leaves after listening while boring is still talking.
func TestMainListensThenLeavesWhileBoringTalks(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		out := newTranscript()
		start := time.Now()
		ignoringItALittleLess(out, ms(100), 6, every(ms(30)))
		if d := time.Since(start); d != ms(100) {
			t.Errorf("main left after %v, want 100ms: main listens that long while boring talks beside it, in its own goroutine", d)
		}
		time.Sleep(time.Second)
		want := `   0ms I'm listening.
   0ms boring! 0
  30ms boring! 1
  60ms boring! 2
  90ms boring! 3
 100ms You're boring; I'm leaving.
 120ms boring! 4
 150ms boring! 5
`
		if out.String() != want {
			t.Errorf("output:\n%s\nwant boring talking before and after main leaves (the lines of one instant sorted):\n%s", out.String(), want)
		}
	})
}
