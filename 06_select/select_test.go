package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// checkFannedIn receives from c until it closes and fails unless it got, from
// each speaker named in want, the messages "name: 0" to "name: want[name]-1",
// each once and in that order.
func checkFannedIn(t *testing.T, c <-chan string, want map[string]int) {
	t.Helper()
	next := map[string]int{} // the number expected next from each speaker
	for s := range c {
		name, num, _ := strings.Cut(s, ": ")
		if _, known := want[name]; !known || num != fmt.Sprint(next[name]) {
			t.Fatalf("got %q, want %s: %d next (unknown, duplicate, lost or out of order)", s, name, next[name])
		}
		next[name]++
	}
	for name, n := range want {
		if next[name] != n {
			t.Fatalf("fanIn passed on %d of %s's messages, want %d", next[name], name, n)
		}
	}
}

// Select.

func TestSlideSelectRunsDefaultOnlyWhenNobodyIsReady(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		nobody := func() chan int { return make(chan int) }
		ready := func(v int) chan int {
			c := make(chan int, 1)
			c <- v
			return c
		}
		receiver := make(chan int)
		go func() { <-receiver }()
		synctest.Wait() // the receiver is waiting on its channel
		for _, tc := range []struct {
			c1, c2, c3 chan int
			want       string
		}{
			{nobody(), nobody(), nobody(), "no one was ready to communicate"},
			{ready(1), nobody(), nobody(), "received 1 from c1"},
			{nobody(), ready(2), nobody(), "received 2 from c2"},
			{nobody(), nobody(), receiver, "sent 23 to c3"},
		} {
			if got := slideSelect(tc.c1, tc.c2, tc.c3); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		}
	})
}

// Fan-in again.

// The old fanIn has a goroutine for each input: while one waits to hand
// Joe's message on, the other takes Ann's.
func TestOldFanInTakesFromBothInputsAtOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		a, b := make(chan string), make(chan string)
		c := oldFanIn(a, b)
		a <- "Joe: 0"   // input1's goroutine takes it, then waits for someone to receive from c
		synctest.Wait() // it is blocked in its send on c
		select {
		case b <- "Ann: 0": // input2's goroutine takes this one
		default:
			t.Fatal("while oldFanIn held Joe's message, nothing took Ann's from input2: it needs a goroutine for each input")
		}
		got := []string{<-c, <-c}
		if got[0] == got[1] || (got[0] != "Joe: 0" && got[0] != "Ann: 0") || (got[1] != "Joe: 0" && got[1] != "Ann: 0") {
			t.Fatalf("got %q, want \"Joe: 0\" and \"Ann: 0\"", got)
		}
		close(a)
		close(b)
		if s, ok := <-c; ok {
			t.Fatalf("got %q, want c closed", s)
		}
	})
}

// Fan-in using select.

func TestFastSpeakerIsHeardBeforeSlowOne(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		conversation(newStampWriter(&out), 3, every(ms(100)), every(ms(10)))
		want := `  10ms Ann: 0
  20ms Ann: 1
  30ms Ann: 2
 100ms Joe: 0
 200ms Joe: 1
 300ms Joe: 2
 300ms You're both boring; I'm leaving.
`
		if out.String() != want {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}

// Only one goroutine is needed: while fanIn's goroutine waits to hand one
// message on, nothing takes the other input's. (04's fanIn, a goroutine per
// input, would take it.)
func TestFanInUsesOneGoroutine(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		a, b := make(chan string), make(chan string)
		c := fanIn(a, b)
		a <- "Joe: 0"   // fanIn's goroutine takes it, then waits for someone to receive from c
		synctest.Wait() // it is blocked in its send on c
		select {
		case b <- "Ann: 0":
			t.Fatal("while fanIn still held Joe's message, something took Ann's from input2: " +
				"fanIn runs more than one goroutine (or c has a buffer, which let its one goroutine go back to its select)")
		default:
		}
		if s := <-c; s != "Joe: 0" {
			t.Fatalf("got %q, want \"Joe: 0\"", s)
		}
		b <- "Ann: 0" // the goroutine is back in its select
		if s := <-c; s != "Ann: 0" {
			t.Fatalf("got %q, want \"Ann: 0\"", s)
		}
		close(a)
		close(b)
		if s, ok := <-c; ok {
			t.Fatalf("got %q, want c closed", s)
		}
	})
}

// The select has a case for each input: a message on either is taken and
// passed on, whichever comes.
func TestFanInTakesFromWhicheverInputIsReady(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		a, b := make(chan string), make(chan string)
		c := fanIn(a, b)
		for _, in := range []struct {
			name  string
			input chan string
		}{{"input2", b}, {"input1", a}, {"input2", b}} {
			select {
			case in.input <- "hello":
			case <-time.After(time.Hour):
				t.Fatalf("fanIn never received the message waiting on %s: its select needs a case for each input", in.name)
			}
			if s := <-c; s != "hello" {
				t.Fatalf("got %q from c, want \"hello\" from %s", s, in.name)
			}
		}
		close(a)
		close(b)
		if s, ok := <-c; ok {
			t.Fatalf("got %q, want c closed", s)
		}
	})
}

func TestFanInSwitchesOffEachClosedInput(t *testing.T) {
	t.Parallel()
	for _, closeFirst := range []int{1, 2} {
		synctest.Test(t, func(t *testing.T) {
			a, b := make(chan string), make(chan string)
			c := fanIn(a, b)
			closed, open := a, b
			if closeFirst == 2 {
				closed, open = b, a
			}
			close(closed) // from now on only the open input's case can fire
			select {
			case open <- "Ann: 0":
			case <-time.After(time.Hour):
				t.Fatal("once one input closed, fanIn stopped taking from the other, still open: " +
					"its loop must go on until both inputs are closed")
			}
			if s := <-c; s != "Ann: 0" {
				t.Fatalf("got %q, want \"Ann: 0\"", s)
			}
			synctest.Wait()
			select {
			case s, ok := <-c:
				t.Fatalf("fanIn's output gave %q (open: %t) while one input was still open and silent: "+
					"its loop must go on until both inputs are closed", s, ok)
			default: // still open, nothing to say
			}
			close(open)
			if s, ok := <-c; ok {
				t.Fatalf("got %q, want c closed", s)
			}
		})
	}
}

// bothClosedEndsFanIn gives fanIn two inputs that are already closed and
// waits, in real time, for c to close. A fanIn that left a closed input's case
// on would spin on it forever; a spinning goroutine never blocks, so inside a
// synctest bubble the fake clock would stop and the test would hang instead
// of failing. Real time, with a deadline of 2s as a safety net, turns
// that into a failure; when fanIn is right, c closes at once.
func bothClosedEndsFanIn() error {
	input1, input2 := make(chan string), make(chan string)
	close(input1)
	close(input2)
	select {
	case s, ok := <-fanIn(input1, input2):
		if ok {
			return fmt.Errorf("fanIn of two closed inputs sent %q, want c closed", s)
		}
		return nil
	case <-time.After(2 * time.Second):
		return errors.New("fanIn of two closed inputs did not close c within 2s: does it set a closed input to nil?")
	}
}

// Not parallel, so it runs before every parallel test, whose bubbles a
// spinning fanIn would hang; it panics, which ends the test binary at once,
// where a failure would leave those tests hanging until go test's timeout.
func TestFanInEndsWhenBothInputsAreClosed(t *testing.T) {
	if err := bothClosedEndsFanIn(); err != nil {
		panic(err)
	}
}

// Equivalent change, which no test can see: a buffer on boring's c. fanIn's
// goroutine is always already waiting in its select, so every send finds its
// receiver at once. A buffer on fanIn's c is seen only where a test holds
// back its receive (TestFanInUsesOneGoroutine): main always waits for c.

// Each boring closes its channel after its last message, so fanIn sets both
// inputs to nil, leaves its loop and closes its output: a range over it ends.
func TestFanInClosesOnceBothSpeakersAreDone(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c := fanIn(boring("Joe", 2, every(ms(10))), boring("Ann", 2, every(ms(15))))
		done := make(chan struct{})
		go func() {
			for range c {
			}
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(time.Hour):
			t.Fatal("both speakers said their 2 messages and closed their channels, but fanIn never closed its output: " +
				"once both inputs are nil its goroutine must close c")
		}
	})
}

func FuzzFanInKeepsEachSpeakersOrder(f *testing.F) {
	for i, n := range [][2]uint8{{0, 0}, {5, 0}, {0, 5}, {3, 30}, {30, 30}, {17, 4}} {
		f.Add(n[0], n[1], uint64(i))
	}
	f.Fuzz(func(t *testing.T, joe, ann uint8, seed uint64) {
		synctest.Test(t, func(t *testing.T) {
			c := fanIn(boring("Joe", int(joe), randomPauses(seed, 1, maxPause)), boring("Ann", int(ann), randomPauses(seed, 2, maxPause)))
			checkFannedIn(t, c, map[string]int{"Joe": int(joe), "Ann": int(ann)})
		})
	})
}

// Going further: the rules of select at work.

func TestSelectEvaluatesEveryChannelAndValue(t *testing.T) {
	t.Parallel()
	evaluated, said := allEvaluated()
	// Three channel expressions and the value to send, though only the
	// receive from c1 proceeded.
	if evaluated != 4 || said != "received 1 from c1" {
		t.Fatalf("%d expressions evaluated, then %q; want 4, then \"received 1 from c1\"", evaluated, said)
	}
}

func TestSelectBlocksUntilACaseCanProceed(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		if waited, said := blocksUntilReady(ms(20)); waited != ms(20) || said != "received 2 from c2" {
			t.Fatalf("blocksUntilReady waited %v, then %q; want exactly 20ms, then \"received 2 from c2\"", waited, said)
		}
	})
}

func TestSelectChoosesPseudoRandomly(t *testing.T) {
	t.Parallel()
	// Each of 10,000 choices is a fair coin: the standard deviation of a
	// count is 50, so 40% and 60% are each 20 deviations from the mean. A
	// biased select would fail; a fair one never will.
	c1s, c2s := choosesRandomly()
	if c1s+c2s != tries || c1s < tries*40/100 || c1s > tries*60/100 {
		t.Fatalf("c1 chosen %d and c2 %d times in %d, want %d in all, each 40%% to 60%%", c1s, c2s, tries, tries)
	}
}

func TestClosedChannelIsAlwaysReadyAndNilSwitchesItOff(t *testing.T) {
	t.Parallel()
	// A channel nobody sends on would also be chosen 0 times; what nil does
	// is turn off a case that a closed channel would make fire every time.
	if closed, nilled := closedThenNil(); closed != tries || nilled != 0 {
		t.Fatalf("the case was chosen %d times while closed and %d times once nil, want %d and 0", closed, nilled, tries)
	}
}

func BenchmarkFanIn(b *testing.B) {
	// Cost per message through the select-based fanIn: two producers that
	// never pause.
	const n = 1000
	for b.Loop() {
		for range fanIn(boring("Joe", n/2, every(0)), boring("Ann", n/2, every(0))) {
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/msg")
}

func BenchmarkOldFanIn(b *testing.B) {
	// The same through the old fanIn, a goroutine per input.
	const n = 1000
	for b.Loop() {
		for range oldFanIn(boring("Joe", n/2, every(0)), boring("Ann", n/2, every(0))) {
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/msg")
}
