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

// A pauseClock is a generator's pause source in a test: it returns the pauses
// ds in turn and records the moment, since start, of each call. boring asks
// for a pause before each message: at once, then as soon as its previous send
// has completed, so started tells when the sends completed (all but the
// last). Asking for more pauses than ds is a failure and ends the goroutine
// that asked, so a boring that does not stop fails at once.
type pauseClock struct {
	t     *testing.T
	start time.Time
	ds    []time.Duration

	mu sync.Mutex // the test reads at while boring may still append to it
	at []time.Duration
}

func newPauseClock(t *testing.T, ds ...time.Duration) *pauseClock {
	return &pauseClock{t: t, start: time.Now(), ds: ds}
}

func (c *pauseClock) pause() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.at) == len(c.ds) {
		c.t.Errorf("boring asked for pause %d, want only %d pauses", len(c.at)+1, len(c.ds))
		runtime.Goexit()
	}
	c.at = append(c.at, time.Since(c.start))
	return c.ds[len(c.at)-1]
}

func (c *pauseClock) started() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.at)
}

// boring returns a receive-only channel: with a chan string this would not compile.
var _ func(string, int, func() time.Duration) <-chan string = boring

// boring returns its channel at once; each pause comes before its message;
// the channel closes the moment the last message is taken, which ends the
// range then, not a pause later.
func TestGeneratorPausesThenSendsThenCloses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		clock := newPauseClock(t, ms(10, 20, 30)...)
		var got []string
		for s := range boring("Joe", 3, clock.pause) {
			got = append(got, fmt.Sprintf("%v %s", time.Since(start), s))
		}
		if want := []string{"10ms Joe: 0", "30ms Joe: 1", "60ms Joe: 2"}; !slices.Equal(got, want) {
			t.Errorf("received %q, want %q", got, want)
		}
		if d := time.Since(start); d != 60*time.Millisecond {
			t.Errorf("the range ended at %v, want 60ms, when the last message was taken", d)
		}
		if got, want := clock.started(), ms(0, 10, 30); !slices.Equal(got, want) {
			t.Errorf("pauses started at %v, want %v: at once, then as each send completed", got, want)
		}
	})
}

func TestGeneratorWithNoMessagesClosesAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		if s, ok := <-boring("Joe", 0, newPauseClock(t).pause); ok {
			t.Fatalf("received %q, want a closed channel", s)
		}
	})
}

// The first slide: main hears one boring service n times, each message after
// its pause, and leaves with nothing left running.
func TestGeneratorMainHearsOneService(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		clock := newPauseClock(t, ms(10, 20, 30)...)
		generator(newStampWriter(&out), 3, clock.pause)
		want := `  10ms You say: "boring!: 0"
  30ms You say: "boring!: 1"
  60ms You say: "boring!: 2"
  60ms You're boring; I'm leaving.
`
		if out.String() != want {
			t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
		}
		if got, want := clock.started(), ms(0, 10, 30); !slices.Equal(got, want) {
			t.Errorf("pauses started at %v, want %v", got, want)
		}
		// boring's goroutine has closed c and ended as main took its last
		// message: no time passes here, and none may be left sleeping.
		synctest.Wait()
		if left := running("boring"); left != 0 {
			t.Errorf("%d goroutines of boring still there when main leaves, want 0", left)
		}
	})
}

func TestGeneratorMainWithNoMessagesLeavesAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		generator(newStampWriter(&out), 0, newPauseClock(t).pause)
		if want := "   0ms You're boring; I'm leaving.\n"; out.String() != want {
			t.Errorf("output %q, want %q", out.String(), want)
		}
	})
}

// Two services, heard in turn: whoever is ready first waits, blocked on its
// send, until main comes to it, and starts its next pause only then.
func TestJoeAndAnnSpeakInLockstep(t *testing.T) {
	for _, tc := range []struct {
		name     string
		joe, ann []time.Duration
		want     string
		joeStart []time.Duration // when Joe's pauses started
		annStart []time.Duration
	}{
		{
			// Joe is ready with "Joe: 1" at 15ms but main hears him only at
			// 30ms, after Ann; his 50ms pause starts then, so "Joe: 2" comes at
			// 80ms. On a buffered channel he would drop "Joe: 1" in at 15ms,
			// pause at once, and "Joe: 2" would come at 65ms.
			name: "Joe waits on his send",
			joe:  ms(10, 5, 50),
			ann:  ms(30, 10, 10),
			want: `
  10ms Joe: 0
  30ms Ann: 0
  30ms Joe: 1
  40ms Ann: 1
  80ms Joe: 2
  80ms Ann: 2
  80ms You're both boring; I'm leaving.`,
			joeStart: ms(0, 10, 30),
			annStart: ms(0, 30, 40),
		},
		{
			// Joe is ready every 10ms but speaks at Ann's pace.
			name: "Joe ten times faster",
			joe:  ms(10, 10, 10),
			ann:  ms(100, 100, 100),
			want: `
  10ms Joe: 0
 100ms Ann: 0
 100ms Joe: 1
 200ms Ann: 1
 200ms Joe: 2
 300ms Ann: 2
 300ms You're both boring; I'm leaving.`,
			joeStart: ms(0, 10, 100),
			annStart: ms(0, 100, 200),
		},
		{
			// Ann is ready every 10ms, yet never speaks before Joe.
			name: "Ann ten times faster",
			joe:  ms(100, 100, 100),
			ann:  ms(10, 10, 10),
			want: `
 100ms Joe: 0
 100ms Ann: 0
 200ms Joe: 1
 200ms Ann: 1
 300ms Joe: 2
 300ms Ann: 2
 300ms You're both boring; I'm leaving.`,
			joeStart: ms(0, 100, 200),
			annStart: ms(0, 100, 200),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var out bytes.Buffer
				joe, ann := newPauseClock(t, tc.joe...), newPauseClock(t, tc.ann...)
				services(newStampWriter(&out), len(tc.joe), joe.pause, ann.pause)
				if got, want := out.String(), strings.TrimPrefix(tc.want, "\n")+"\n"; got != want {
					t.Errorf("output:\n%s\nwant:\n%s", got, want)
				}
				if got := joe.started(); !slices.Equal(got, tc.joeStart) {
					t.Errorf("Joe's pauses started at %v, want %v", got, tc.joeStart)
				}
				if got := ann.started(); !slices.Equal(got, tc.annStart) {
					t.Errorf("Ann's pauses started at %v, want %v", got, tc.annStart)
				}
				// Both have closed their channels and ended as main took their
				// last messages: no time passes here, and none may be left
				// sleeping.
				synctest.Wait()
				if left := running("boring"); left != 0 {
					t.Errorf("%d goroutines of boring still there when main leaves, want 0", left)
				}
			})
		})
	}
}

func TestNoRoundsMeansMainLeavesAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		services(newStampWriter(&out), 0, newPauseClock(t).pause, newPauseClock(t).pause)
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

// running counts the goroutines whose stack runs one of the named functions
// of this package (e.g. "boring" matches main.boring.func1, the goroutine
// boring starts). Unlike runtime.NumGoroutine it sees only this package's
// goroutines, not what other tests or the test framework left behind.
func running(names ...string) int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		for _, name := range names {
			if strings.Contains(g, "."+name+".func") {
				n++
				break
			}
		}
	}
	return n
}
