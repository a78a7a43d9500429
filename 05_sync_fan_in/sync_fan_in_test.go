package main

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// inTurn returns a pause source that gives ds in turn, then the last for ever.
func inTurn(ds ...time.Duration) func() time.Duration {
	return func() time.Duration {
		d := ds[0]
		if len(ds) > 1 {
			ds = ds[1:]
		}
		return d
	}
}

func TestSyncFanInMovesInLockstep(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		joe, ann func() time.Duration
		want     string
	}{
		{
			// Joe ten times faster: he pauses 10ms, but main lets him go on
			// only once Ann has spoken, after her 100ms. Without the wait
			// channels Joe 1 would come at 20ms, Joe 2 at 30ms.
			every(ms(10)), every(ms(100)), `
  10ms Joe: 0
 100ms Ann: 0
 110ms Joe: 1
 200ms Ann: 1
 210ms Joe: 2
 300ms Ann: 2
 300ms You're all boring; I'm leaving.`,
		},
		{
			// The slower of each round sets the pace: a round starts when the
			// last one ended and ends when the slower has spoken. Ann 1 comes
			// 40ms after Ann 0, Joe 1 120ms after it, as he is released with her.
			inTurn(ms(10), ms(120), ms(30)), inTurn(ms(50), ms(40), ms(60)), `
  10ms Joe: 0
  50ms Ann: 0
  90ms Ann: 1
 170ms Joe: 1
 200ms Joe: 2
 230ms Ann: 2
 230ms You're all boring; I'm leaving.`,
		},
	} {
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			conversation(newStampWriter(&out), 3, tc.joe, tc.ann)
			if want := strings.TrimPrefix(tc.want, "\n") + "\n"; out.String() != want {
				t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
			}
		})
	}
}

func TestSpeakerWaitsForItsGoAheadThenPauses(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		c := boring("Joe", 2, inTurn(ms(10), ms(30)))
		first := <-c
		time.Sleep(time.Hour) // long past Joe's pause: main holds Joe back
		select {
		case msg := <-c:
			t.Fatalf("Joe sent %q without main's go-ahead: after each message a speaker must wait on its wait channel", msg.str)
		default:
		}
		first.wait <- true // Joe is already waiting: this goes through at once
		second := <-c
		if at := time.Since(start); first.str != "Joe: 0" || second.str != "Joe: 1" || at != ms(10)+time.Hour+ms(30) {
			t.Fatalf("Joe said %q, then %q at %v; want \"Joe: 0\", then \"Joe: 1\" 30ms after the go-ahead at 1h10ms", first.str, second.str, at)
		}
		if second.wait != first.wait {
			t.Fatal("Joe's messages carry different wait channels, want his own one")
		}
		second.wait <- true
		select {
		case msg, ok := <-c:
			if ok {
				t.Fatalf("Joe said %q after his last message, want his channel closed", msg.str)
			}
		case <-time.After(time.Hour):
			t.Fatal("an hour after his last go-ahead Joe's channel is still open: boring must close it, " +
				"or fanIn's goroutine for Joe waits on it for ever")
		}
	})
}

// Every round holds one message from each speaker, whatever the pauses.
func TestFanInServesAnyNumberOfSpeakersInRounds(t *testing.T) {
	t.Parallel()
	for k := range 6 {
		for seed := range uint64(4) {
			synctest.Test(t, func(t *testing.T) {
				const n = 10
				var inputs []<-chan Message
				for i := range k {
					inputs = append(inputs, boring(fmt.Sprint("S", i), n, randomPauses(seed, uint64(i), maxPause)))
				}
				c := fanIn(inputs...)
				for r := range n { // the slide's loop, for k speakers
					round := make([]Message, k)
					var said, want []string
					for i := range round {
						round[i] = <-c
						said = append(said, round[i].str)
						want = append(want, fmt.Sprintf("S%d: %d", i, r))
					}
					slices.Sort(said)
					if !slices.Equal(said, want) {
						t.Fatalf("%d speakers, seed %d: round %d holds %q, want %q", k, seed, r, said, want)
					}
					for _, msg := range round {
						msg.wait <- true
					}
				}
				if msg, ok := <-c; ok {
					t.Fatalf("got %q after the last round, want c closed", msg.str)
				}
			})
		}
	}
}

func TestFanInClosesOnlyWhenEveryInputIsDone(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		a, b := make(chan Message), make(chan Message)
		c := fanIn(a, b)
		close(a)
		synctest.Wait()
		select {
		case msg, ok := <-c:
			t.Fatalf("fanIn's output gave %q (open: %t) while input b was still open: "+
				"it must close only once every copying goroutine is done", msg.str, ok)
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

// Each speaker closes its channel after its last message, so fanIn's copying
// goroutines end and fanIn closes its output: a range over it ends.
func TestFanInClosesOnceEverySpeakerIsDone(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const n = 2
		c := fanIn(boring("Joe", n, every(ms(10))), boring("Ann", n, every(ms(15))))
		done := make(chan struct{})
		go func() {
			for range n { // the slide's rounds
				msg1, msg2 := <-c, <-c
				msg1.wait <- true
				msg2.wait <- true
			}
			for range c {
			}
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(time.Hour):
			t.Fatal("both speakers said their 2 messages and had their go-aheads, but fanIn never closed its output: " +
				"its copying goroutines still wait on their inputs (does boring close its channel?)")
		}
	})
}

// Equivalent changes, which no test can see: a buffer on any channel here.
// Every sender finds its receiver already waiting: a speaker has sent and
// waits on waitForIt before main sends its go-ahead; fanIn's goroutine is back
// at its receive long before its speaker's next Message; main waits for msg1
// and msg2, and while it sends the go-aheads nobody has anything to send.
// For the same reason the go-aheads take no time: releasing msg2 before msg1
// changes nothing either.

func BenchmarkSyncFanInRound(b *testing.B) {
	// Cost of one round (two Messages and two go-aheads), speakers never pausing.
	const n = 500
	for b.Loop() {
		conversation(io.Discard, n, every(0), every(0))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/round")
}
