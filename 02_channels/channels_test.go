package main

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// ms turns whole milliseconds into durations.
func ms(ns ...int) []time.Duration {
	ds := []time.Duration{}
	for _, n := range ns {
		ds = append(ds, time.Duration(n)*time.Millisecond)
	}
	return ds
}

// A sendClock is boring's pause source in a test: it returns the pauses ds in
// turn and records the moment, since start, of each call. boring asks for a
// pause right after each send completes, so sent tells when its sends
// completed. Asking for more pauses than ds is a failure and ends the
// goroutine that asked, so a boring that does not stop fails at once.
type sendClock struct {
	t     *testing.T
	start time.Time
	ds    []time.Duration

	mu sync.Mutex // the test reads at while boring may still append to it
	at []time.Duration
}

func newSendClock(t *testing.T, ds ...time.Duration) *sendClock {
	return &sendClock{t: t, start: time.Now(), ds: ds}
}

func (c *sendClock) pause() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.at) == len(c.ds) {
		c.t.Errorf("boring asked for pause %d, want only %d pauses", len(c.at)+1, len(c.ds))
		runtime.Goexit()
	}
	c.at = append(c.at, time.Since(c.start))
	return c.ds[len(c.at)-1]
}

func (c *sendClock) sent() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.at)
}

// "Synchronization", one way: main's <-c waits for boring's send, so main
// prints each message the moment boring sends it.
func TestMainHearsEachMessageTheMomentItIsSent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		clock := newSendClock(t, ms(10, 20, 30)...)
		usingChannels(newStampWriter(&out), 3, clock.pause)
		want := `   0ms You say: "boring! 0"
  10ms You say: "boring! 1"
  30ms You say: "boring! 2"
  30ms You're boring; I'm leaving.
`
		if out.String() != want {
			t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
		}
		time.Sleep(30 * time.Millisecond) // boring's last pause; then it has returned
		if sent := clock.sent(); !slices.Equal(sent, ms(0, 10, 30)) {
			t.Errorf("boring's sends completed at %v, want 0s 10ms 30ms", sent)
		}
	})
}

// A listener that takes 50ms to write each line.
type slowWriter struct{ bytes.Buffer }

func (s *slowWriter) Write(p []byte) (int, error) {
	time.Sleep(50 * time.Millisecond)
	return s.Buffer.Write(p)
}

// "Synchronization", the other way: boring's c <- value waits until main is
// ready to receive. main takes 50ms to print each message while boring is
// ready every 10ms, so each send completes only when main comes back for it.
// With a buffer in usingChannels, boring's second send would complete at
// 10ms.
func TestEachSendWaitsForMainToReceive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out slowWriter
		clock := newSendClock(t, ms(10, 10, 10, 10)...)
		usingChannels(&out, 4, clock.pause)
		if d := time.Since(clock.start); d != 250*time.Millisecond {
			t.Errorf("main left at %v, want 250ms (five lines of 50ms)", d)
		}
		time.Sleep(10 * time.Millisecond)
		if sent, want := clock.sent(), ms(0, 50, 100, 150); !slices.Equal(sent, want) {
			t.Errorf("boring's sends completed at %v, want %v", sent, want)
		}
	})
}

func TestNothingToHearMeansMainLeavesAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		usingChannels(newStampWriter(&out), 0, newSendClock(t).pause)
		if want := "   0ms You're boring; I'm leaving.\n"; out.String() != want {
			t.Errorf("output %q, want %q", out.String(), want)
		}
	})
}

func TestBoringSendsNumberedMessages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := make(chan string)
		go boring("Joe", c, 3, newSendClock(t, ms(1, 1, 1)...).pause)
		for i := range 3 {
			if got, want := <-c, fmt.Sprintf("Joe %d", i); got != want {
				t.Errorf("message %q, want %q", got, want)
			}
		}
		time.Sleep(time.Millisecond)
	})
}

// "An aside about buffered channels": unbuffered, each send completes when
// its value is received (every 30ms); a buffer of k lets k sends complete
// before anyone receives.
func TestHandOffBufferingRemovesSynchronisation(t *testing.T) {
	for _, tc := range []struct {
		capacity int
		sent     []time.Duration
	}{
		{0, ms(30, 60, 90)}, // each send completes at its receive
		{1, ms(0, 30, 60)},  // one slot: the sender runs one value ahead
		{2, ms(0, 0, 30)},
		{3, ms(0, 0, 0)}, // room for every value: nobody waits
		{4, ms(0, 0, 0)},
	} {
		t.Run(fmt.Sprintf("capacity %d", tc.capacity), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				sent := handOff(tc.capacity, 3, 30*time.Millisecond)
				if !slices.Equal(sent, tc.sent) {
					t.Errorf("sends completed at %v, want %v", sent, tc.sent)
				}
				// handOff returns once the receiver has taken the last value
				// and ended; synctest.Test fails if it is still there.
				if d := time.Since(start); d != 90*time.Millisecond {
					t.Errorf("handOff returned at %v, want 90ms, when the last value is received", d)
				}
			})
		})
	}
}

func TestHandOffOfNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		if sent := handOff(0, 0, time.Hour); len(sent) != 0 {
			t.Errorf("handOff of 0 values sent at %v", sent)
		}
	})
}

func TestRandomPausesAreWholeMillisecondsUnder100(t *testing.T) {
	p := randomPauses(1, 1)
	lo, hi := time.Hour, time.Duration(-1)
	for range 10_000 {
		d := p()
		if d%time.Millisecond != 0 {
			t.Fatalf("pause %v is not whole milliseconds", d)
		}
		lo, hi = min(lo, d), max(hi, d)
	}
	if lo != 0 || hi != 99*time.Millisecond {
		t.Errorf("10,000 pauses ranged over [%v, %v], want [0, 99ms]", lo, hi)
	}
}

func TestRandomPausesReplayBySeedAndDifferByStream(t *testing.T) {
	draw := func(seed, stream uint64) []time.Duration {
		p := randomPauses(seed, stream)
		var ds []time.Duration
		for range 20 {
			ds = append(ds, p())
		}
		return ds
	}
	if a, b := draw(7, 1), draw(7, 1); !slices.Equal(a, b) {
		t.Errorf("seed 7 stream 1 gave %v, then %v", a, b)
	}
	if a, b := draw(7, 1), draw(7, 2); slices.Equal(a, b) {
		t.Errorf("streams 1 and 2 of seed 7 both gave %v", a)
	}
	if a, b := draw(7, 1), draw(8, 1); slices.Equal(a, b) {
		t.Errorf("seeds 7 and 8 both gave %v", a)
	}
}

func TestMillis(t *testing.T) {
	if got, want := millis(ms(0, 30, 1999)), "0ms 30ms 1999ms"; got != want {
		t.Errorf("millis = %q, want %q", got, want)
	}
}
