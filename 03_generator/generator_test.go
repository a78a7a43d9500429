package main

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"strings"
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

// A sendClock is a generator's pause source in a test: it returns the pauses
// ds in turn and records the moment, since start, of each call. boring asks
// for a pause right after each send completes, so sent tells when its sends
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

// boring returns a receive-only channel: with a chan string this would not compile.
var _ func(string, int, func() time.Duration) <-chan string = boring

// boring returns its channel at once; each message is sent, then the pause
// follows; after the last pause the channel closes, which ends the range.
func TestGeneratorSendsThenPausesThenCloses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var got []string
		for s := range boring("Joe", 3, newSendClock(t, ms(10, 20, 30)...).pause) {
			got = append(got, fmt.Sprintf("%v %s", time.Since(start), s))
		}
		if want := []string{"0s Joe: 0", "10ms Joe: 1", "30ms Joe: 2"}; !slices.Equal(got, want) {
			t.Errorf("received %q, want %q", got, want)
		}
		if d := time.Since(start); d != 60*time.Millisecond {
			t.Errorf("the range ended at %v, want 60ms, when boring closed c after its last pause", d)
		}
	})
}

func TestGeneratorWithNoMessagesClosesAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		if s, ok := <-boring("Joe", 0, newSendClock(t).pause); ok {
			t.Fatalf("received %q, want a closed channel", s)
		}
	})
}

// Two services, heard in turn: whoever is ready first waits, blocked on its
// send, until main comes to it, and starts its next pause only then.
func TestJoeAndAnnSpeakInLockstep(t *testing.T) {
	for _, tc := range []struct {
		name          string
		n             int
		joe, ann      []time.Duration
		want          string
		joeSent       []time.Duration // when Joe's sends completed
		annSent       []time.Duration
		lastPauseEnds time.Duration
	}{
		{
			// Joe is ready with "Joe: 2" at 15ms but main hears him only at
			// 30ms, after Ann; his 50ms pause starts then, so "Joe: 3" comes at
			// 80ms. On a buffered channel he would drop "Joe: 2" in at 15ms,
			// pause at once, and "Joe: 3" would come at 65ms.
			name: "Joe waits on his send",
			n:    4,
			joe:  ms(10, 5, 50, 1),
			ann:  ms(30, 10, 10, 1),
			want: `
   0ms Joe: 0
   0ms Ann: 0
  10ms Joe: 1
  30ms Ann: 1
  30ms Joe: 2
  40ms Ann: 2
  80ms Joe: 3
  80ms Ann: 3
  80ms You're both boring; I'm leaving.`,
			joeSent:       ms(0, 10, 30, 80),
			annSent:       ms(0, 30, 40, 80),
			lastPauseEnds: 81 * time.Millisecond,
		},
		{
			// Joe is ready every 10ms but speaks at Ann's pace.
			name: "Joe ten times faster",
			n:    3,
			joe:  ms(10, 10, 10),
			ann:  ms(100, 100, 100),
			want: `
   0ms Joe: 0
   0ms Ann: 0
  10ms Joe: 1
 100ms Ann: 1
 100ms Joe: 2
 200ms Ann: 2
 200ms You're both boring; I'm leaving.`,
			joeSent:       ms(0, 10, 100),
			annSent:       ms(0, 100, 200),
			lastPauseEnds: 300 * time.Millisecond,
		},
		{
			// Ann is ready every 10ms, yet never speaks before Joe.
			name: "Ann ten times faster",
			n:    3,
			joe:  ms(100, 100, 100),
			ann:  ms(10, 10, 10),
			want: `
   0ms Joe: 0
   0ms Ann: 0
 100ms Joe: 1
 100ms Ann: 1
 200ms Joe: 2
 200ms Ann: 2
 200ms You're both boring; I'm leaving.`,
			joeSent:       ms(0, 100, 200),
			annSent:       ms(0, 100, 200),
			lastPauseEnds: 300 * time.Millisecond,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var out bytes.Buffer
				joe, ann := newSendClock(t, tc.joe...), newSendClock(t, tc.ann...)
				services(newStampWriter(&out), tc.n, joe.pause, ann.pause)
				if got, want := out.String(), strings.TrimPrefix(tc.want, "\n")+"\n"; got != want {
					t.Errorf("output:\n%s\nwant:\n%s", got, want)
				}
				// Both end after their last pause; synctest.Test fails if either
				// is still there when this function returns.
				time.Sleep(tc.lastPauseEnds - time.Since(joe.start))
				if got := joe.sent(); !slices.Equal(got, tc.joeSent) {
					t.Errorf("Joe's sends completed at %v, want %v", got, tc.joeSent)
				}
				if got := ann.sent(); !slices.Equal(got, tc.annSent) {
					t.Errorf("Ann's sends completed at %v, want %v", got, tc.annSent)
				}
			})
		})
	}
}

func TestNoRoundsMeansMainLeavesAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		services(newStampWriter(&out), 0, newSendClock(t).pause, newSendClock(t).pause)
		if want := "   0ms You're both boring; I'm leaving.\n"; out.String() != want {
			t.Errorf("output %q, want %q", out.String(), want)
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

// Joe and Ann draw from two streams of one seed: their pauses differ, and the
// seed replays both.
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
