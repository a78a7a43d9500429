package main

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

// sendMoments returns a pause source for boring that gives d each time and
// records on the returned channel the moment, since now, of each call: boring
// asks for a pause as soon as a send has completed.
func sendMoments(n int, d time.Duration) (func() time.Duration, <-chan time.Duration) {
	start, at := time.Now(), make(chan time.Duration, n)
	return func() time.Duration { at <- time.Since(start); return d }, at
}

// received lists the n moments of sendMoments.
func received(n int, at <-chan time.Duration) []time.Duration {
	ds := make([]time.Duration, n)
	for i := range ds {
		ds[i] = <-at
	}
	return ds
}

// "Synchronization", one way: main's <-c waits for boring's send, so main
// prints each message the moment boring sends it.
func TestMainHearsEachMessageTheMomentItIsSent(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		pause, at := sendMoments(3, ms(10))
		usingChannels(newStampWriter(&out), 3, pause)
		want := `   0ms You say: "boring! 0"
  10ms You say: "boring! 1"
  20ms You say: "boring! 2"
  20ms You're boring; I'm leaving.
`
		if out.String() != want {
			t.Errorf("main printed:\n%s\nwant each message the moment boring sent it:\n%s", out.String(), want)
		}
		if got := received(3, at); !slices.Equal(got, []time.Duration{0, ms(10), ms(20)}) {
			t.Errorf("boring's sends completed at %v, want 0s, 10ms, 20ms: each as main receives it", got)
		}
		time.Sleep(ms(10)) // boring's last pause, after which it returns
	})
}

// slowWriter takes 50ms to write each line.
type slowWriter struct{ bytes.Buffer }

func (s *slowWriter) Write(p []byte) (int, error) {
	time.Sleep(ms(50))
	return s.Buffer.Write(p)
}

// "Synchronization", the other way: boring's c <- value waits until main is
// ready to receive. main takes 50ms to print each message while boring is
// ready every 10ms, so each send completes only when main comes back for it.
func TestEachSendWaitsForMainToReceive(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		pause, at := sendMoments(4, ms(10))
		usingChannels(&slowWriter{}, 4, pause)
		if got := received(4, at); !slices.Equal(got, []time.Duration{0, ms(50), ms(100), ms(150)}) {
			t.Errorf("boring's sends completed at %v, want 0s, 50ms, 100ms, 150ms: each send waits until main, busy printing for 50ms, comes back to receive", got)
		}
	})
}

// "An aside about buffered channels": unbuffered, each send completes when
// its value is received (every 30ms); a buffer of k lets k sends complete
// before anyone receives. handOff returns when the last value is received.
func TestHandOffBufferingRemovesSynchronisation(t *testing.T) {
	t.Parallel()
	for capacity, want := range [][]time.Duration{
		{ms(30), ms(60), ms(90)}, // each send completes at its receive
		{0, ms(30), ms(60)},      // one slot: the sender runs one value ahead
		{0, 0, ms(30)},
		{0, 0, 0}, // room for every value: nobody waits
	} {
		t.Run(fmt.Sprint("capacity ", capacity), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				if got := handOff(capacity, 3, ms(30)); !slices.Equal(got, want) {
					t.Errorf("with a buffer of %d the sends completed at %v, want %v: a buffer of k lets k sends go ahead of the receiver", capacity, got, want)
				}
				if d := time.Since(start); d != ms(90) {
					t.Errorf("handOff returned at %v, want 90ms: it waits until the receiver has taken the last value", d)
				}
				time.Sleep(ms(90)) // a receiver that handOff did not wait for ends too
			})
		})
	}
}
