package main

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// pauses returns a pause source that pauses ds in turn, then 0.
func pauses(ds ...time.Duration) func() time.Duration {
	return func() time.Duration {
		if len(ds) == 0 {
			return 0
		}
		d := ds[0]
		ds = ds[1:]
		return d
	}
}

const ms = time.Millisecond

func TestSyncFanInMovesInLockstep(t *testing.T) {
	for _, tc := range []struct {
		name     string
		joe, ann []time.Duration
		want     string
	}{
		{
			// Joe pauses 10ms, but main lets him go on only once Ann has
			// spoken, after her 100ms: without the wait channels Joe 1 would
			// come at 20ms, Joe 2 at 30ms.
			"Joe ten times faster", []time.Duration{10 * ms, 10 * ms, 10 * ms}, []time.Duration{100 * ms, 100 * ms, 100 * ms}, `
  10ms Joe: 0
 100ms Ann: 0
 100ms round 1 over: both went on
 110ms Joe: 1
 200ms Ann: 1
 200ms round 2 over: both went on
 210ms Joe: 2
 300ms Ann: 2
 300ms round 3 over: both went on
 300ms You're all boring; I'm leaving.`,
		},
		{
			"Ann ten times faster", []time.Duration{100 * ms, 100 * ms, 100 * ms}, []time.Duration{10 * ms, 10 * ms, 10 * ms}, `
  10ms Ann: 0
 100ms Joe: 0
 100ms round 1 over: both went on
 110ms Ann: 1
 200ms Joe: 1
 200ms round 2 over: both went on
 210ms Ann: 2
 300ms Joe: 2
 300ms round 3 over: both went on
 300ms You're all boring; I'm leaving.`,
		},
		{
			// Each round starts when the last one ended and ends when the
			// slower of the two has spoken; Joe 1 and Joe 2 come one after
			// the other, but in two rounds.
			"the slower of each round sets the pace", []time.Duration{10 * ms, 120 * ms, 30 * ms}, []time.Duration{50 * ms, 40 * ms, 60 * ms}, `
  10ms Joe: 0
  50ms Ann: 0
  50ms round 1 over: both went on
  90ms Ann: 1
 170ms Joe: 1
 170ms round 2 over: both went on
 200ms Joe: 2
 230ms Ann: 2
 230ms round 3 over: both went on
 230ms You're all boring; I'm leaving.`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var out bytes.Buffer
				conversation(newStampWriter(&out), 3, pauses(tc.joe...), pauses(tc.ann...))
				if got, want := out.String(), strings.TrimPrefix(tc.want, "\n")+"\n"; got != want {
					t.Fatalf("output:\n%s\nwant:\n%s", got, want)
				}
			})
		})
	}
}

func TestSpeakerSaysNothingMoreUntilItsGoAhead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := boring("Joe", 2, pauses(10*ms, 10*ms))
		first := <-c
		time.Sleep(time.Hour) // long past Joe's pause
		select {
		case msg := <-c:
			t.Fatalf("Joe sent %q without a go-ahead", msg.str)
		default:
		}
		first.wait <- true
		second := <-c
		if first.str != "Joe: 0" || second.str != "Joe: 1" {
			t.Fatalf("Joe said %q, then %q; want \"Joe: 0\", then \"Joe: 1\"", first.str, second.str)
		}
		if second.wait != first.wait {
			t.Fatal("Joe's messages carry different wait channels, want his own one")
		}
		second.wait <- true
		if _, ok := <-c; ok {
			t.Fatal("Joe's channel is still open after his last message")
		}
	})
}

func TestSpeakerPausesAfterItsGoAhead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		c := boring("Joe", 2, pauses(10*ms, 30*ms))
		first := <-c
		if at := time.Since(start); at != 10*ms {
			t.Fatalf("Joe: 0 came at %v, want 10ms, after his first pause", at)
		}
		time.Sleep(50 * ms) // main holds Joe back
		first.wait <- true  // Joe is already waiting: this goes through at once
		if at := time.Since(start); at != 60*ms {
			t.Fatalf("the go-ahead went through at %v, want 60ms", at)
		}
		second := <-c
		if at := time.Since(start); second.str != "Joe: 1" || at != 90*ms {
			t.Fatalf("got %q at %v, want \"Joe: 1\" at 90ms: 30ms after the go-ahead", second.str, at)
		}
		second.wait <- true
		if _, ok := <-c; ok {
			t.Fatal("Joe's channel is still open after his last message")
		}
	})
}

// checkRounds fails unless the conversation lines in out (each with its time)
// come as n rounds, each of "Joe: r" and "Ann: r" in either order, then the
// round's end at the time of the round's second line; then the leaving line.
// Times never go back.
func checkRounds(t *testing.T, out string, n int) {
	t.Helper()
	var lines []string // without their times
	var times []int
	for l := range strings.Lines(out) {
		stamp, said, ok := strings.Cut(strings.TrimSpace(l), "ms ")
		if ok {
			var ms int
			fmt.Sscan(stamp, &ms)
			times, lines = append(times, ms), append(lines, said)
		}
	}
	if len(lines) != 3*n+1 {
		t.Fatalf("%d lines, want %d rounds of 3 and the leaving line:\n%s", len(lines), n, out)
	}
	if !slices.IsSorted(times) {
		t.Fatalf("times go back:\n%s", out)
	}
	for r := range n {
		round := slices.Clone(lines[3*r : 3*r+2])
		slices.Sort(round)
		if want := []string{fmt.Sprintf("Ann: %d", r), fmt.Sprintf("Joe: %d", r)}; !slices.Equal(round, want) {
			t.Fatalf("round %d holds %q, want one message from each speaker: %q\n%s", r+1, round, want, out)
		}
		if want := fmt.Sprintf("round %d over: both went on", r+1); lines[3*r+2] != want || times[3*r+2] != times[3*r+1] {
			t.Fatalf("line %d is %q at %dms, want %q at %dms", 3*r+3, lines[3*r+2], times[3*r+2], want, times[3*r+1])
		}
	}
	if last := lines[len(lines)-1]; last != "You're all boring; I'm leaving." {
		t.Fatalf("last line %q, want the leaving line", last)
	}
}

func TestEveryRoundHoldsOneMessageFromEachSpeaker(t *testing.T) {
	for seed := range uint64(20) {
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			joe, ann := speakerPauses(seed)
			conversation(newStampWriter(&out), 20, joe, ann)
			checkRounds(t, out.String(), 20)
		})
	}
}

func TestFanInServesAnyNumberOfSpeakers(t *testing.T) {
	for _, k := range []int{1, 2, 3, 5} {
		t.Run(fmt.Sprintf("%d speakers", k), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const n = 10
				var inputs []<-chan Message
				for i := range k {
					inputs = append(inputs, boring(fmt.Sprintf("S%d", i), n, randomPauses(uint64(k), uint64(i))))
				}
				c := fanIn(inputs...)
				for r := range n { // the slide's loop, for k speakers
					round := make([]Message, k)
					var said []string
					for i := range round {
						round[i] = <-c
						said = append(said, round[i].str)
					}
					var want []string
					for i := range k {
						want = append(want, fmt.Sprintf("S%d: %d", i, r))
					}
					slices.Sort(said)
					if !slices.Equal(said, want) {
						t.Fatalf("round %d holds %q, want %q", r, said, want)
					}
					for _, msg := range round {
						msg.wait <- true
					}
				}
				if msg, ok := <-c; ok {
					t.Fatalf("got %q after the last round, want c closed", msg.str)
				}
			})
		})
	}
}

func TestFanInClosesOnlyWhenEveryInputIsDone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := make(chan Message), make(chan Message)
		c := fanIn(a, b)
		close(a)
		synctest.Wait()
		select {
		case msg, ok := <-c:
			t.Fatalf("with b still open, got %q (open: %t), want nothing yet", msg.str, ok)
		default:
		}
		b <- Message{str: "Ann: 0"} // b still gets through
		if msg := <-c; msg.str != "Ann: 0" {
			t.Fatalf("got %q, want \"Ann: 0\"", msg.str)
		}
		close(b)
		if msg, ok := <-c; ok {
			t.Fatalf("got %q, want c closed once every input is", msg.str)
		}
	})
}

func TestNothingIsLeftRunningWhenMainLeaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		joe, ann := speakerPauses(1)
		conversation(&bytes.Buffer{}, 5, joe, ann)
		synctest.Wait() // every goroutine fanIn and boring started has ended, or is pausing or stuck
		if left := running("boring", "fanIn"); left != 0 {
			t.Fatalf("%d goroutines of boring and fanIn still there when main leaves, want 0", left)
		}
	})
}

func TestNoRoundsNoMessages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		conversation(newStampWriter(&out), 0, pauses(time.Second), pauses(time.Second))
		if want := "   0ms You're all boring; I'm leaving.\n"; out.String() != want {
			t.Fatalf("output %q, want %q", out.String(), want)
		}
	})
}

// Equivalent changes, which no test can see: a buffer on any channel here.
// Every sender finds its receiver already waiting: a speaker has sent and
// waits on waitForIt before main sends its go-ahead; fanIn's goroutine is back
// at its receive long before its speaker's next Message; main waits for msg1
// and msg2, and while it sends the go-aheads nobody has anything to send.
// For the same reason the go-aheads take no time: releasing msg2 before msg1,
// or printing the round's end before the go-aheads, changes nothing either.

func BenchmarkSyncFanInRound(b *testing.B) {
	// Cost of one round (two Messages and two go-aheads), speakers never pausing.
	const n = 500
	for b.Loop() {
		conversation(io.Discard, n, pauses(), pauses())
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/round")
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
