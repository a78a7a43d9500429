package main

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// every returns a pause source that always pauses d.
func every(d time.Duration) func() time.Duration {
	return func() time.Duration { return d }
}

func collect(c <-chan string) []string {
	var got []string
	for s := range c {
		got = append(got, s)
	}
	return got
}

// checkEveryMessageOnceInOrder fails unless got holds "Joe: 0".."Joe: joe-1"
// and "Ann: 0".."Ann: ann-1", each once, each speaker's in order.
func checkEveryMessageOnceInOrder(t *testing.T, got []string, joe, ann int) {
	t.Helper()
	next := map[string]int{"Joe": 0, "Ann": 0}
	for _, s := range got {
		name, num, ok := strings.Cut(s, ": ")
		want, known := next[name]
		if !ok || !known || num != fmt.Sprint(want) {
			t.Fatalf("got %q, want %s: %d next (unknown, duplicate, lost or out of order)", s, name, want)
		}
		next[name]++
	}
	if next["Joe"] != joe || next["Ann"] != ann {
		t.Fatalf("got %d from Joe and %d from Ann, want %d and %d", next["Joe"], next["Ann"], joe, ann)
	}
}

// The rules of select.

func TestSelectEvaluatesEveryChannelAndValue(t *testing.T) {
	evaluated, said := allEvaluated()
	// Three channel expressions and the value to send, though only the
	// receive from c1 proceeded.
	if evaluated != 4 || said != "received 1 from c1" {
		t.Fatalf("%d expressions evaluated, then %q; want 4, then \"received 1 from c1\"", evaluated, said)
	}
}

func TestSelectBlocksUntilACaseCanProceed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c1, c2 := make(chan int), make(chan int)
		said := ""
		go func() {
			select {
			case v := <-c1:
				said = fmt.Sprint("c1 ", v)
			case v := <-c2:
				said = fmt.Sprint("c2 ", v)
			}
		}()
		time.Sleep(time.Hour)
		synctest.Wait() // the select goroutine is blocked, not finished
		if said != "" {
			t.Fatalf("select proceeded with %q before anything was sent", said)
		}
		c2 <- 2
		synctest.Wait()
		if said != "c2 2" {
			t.Fatalf("select did %q, want \"c2 2\"", said)
		}
		if waited, said := blocksUntilReady(20 * time.Millisecond); waited != 20*time.Millisecond || said != "received 2 from c2" {
			t.Fatalf("blocksUntilReady waited %v, then %q; want exactly 20ms, then \"received 2 from c2\"", waited, said)
		}
	})
}

func TestSelectChoosesPseudoRandomly(t *testing.T) {
	// Each of 10,000 choices is a fair coin: the standard deviation of a
	// count is 50, so 40%..60% is 20 deviations wide. A biased select would
	// fail; a fair one never will.
	const tries = 10000
	c1s, c2s := choosesRandomly(tries)
	if c1s+c2s != tries || c1s < tries*40/100 || c1s > tries*60/100 {
		t.Fatalf("c1 chosen %d and c2 %d times in %d, want %d in all, each 40%% to 60%%", c1s, c2s, tries, tries)
	}
}

func TestSlideSelectRunsDefaultOnlyWhenNobodyIsReady(t *testing.T) {
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
		start := time.Now()
		for _, tc := range []struct {
			name       string
			c1, c2, c3 chan int
			want       string
		}{
			{"nobody ready", nobody(), nobody(), nobody(), "no one was ready to communicate"},
			{"c1 ready", ready(1), nobody(), nobody(), "received 1 from c1"},
			{"c2 ready", nobody(), ready(2), nobody(), "received 2 from c2"},
			{"a receiver on c3", nobody(), nobody(), receiver, "sent 23 to c3"},
		} {
			if got := slideSelect(tc.c1, tc.c2, tc.c3); got != tc.want {
				t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
			}
		}
		if time.Since(start) != 0 {
			t.Errorf("the selects took %v, want no time at all", time.Since(start))
		}
	})
}

func TestClosedChannelIsAlwaysReadyAndNilSwitchesItOff(t *testing.T) {
	// A channel nobody sends on would also be chosen 0 times; what nil does
	// is turn off a case that a closed channel would make fire every time.
	if closed, nilled := closedThenNil(10000); closed != 10000 || nilled != 0 {
		t.Fatalf("the case was chosen %d times while closed and %d times once nil, want 10000 and 0", closed, nilled)
	}
}

// Fan-in using select.

func TestFastSpeakerIsHeardBeforeSlowOne(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		conversation(newStampWriter(&out), 3, every(100*time.Millisecond), every(10*time.Millisecond))
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

func TestFanInDeliversEveryMessageOnceInOrder(t *testing.T) {
	for seed := range uint64(20) {
		synctest.Test(t, func(t *testing.T) {
			joe, ann := speakerPauses(seed)
			checkEveryMessageOnceInOrder(t, collect(fanIn(boring("Joe", 30, joe), boring("Ann", 30, ann))), 30, 30)
		})
	}
}

func TestFanInUsesOneGoroutine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := make(chan string), make(chan string)
		c := fanIn(a, b)
		synctest.Wait() // fanIn's goroutine is now blocked in its select
		if started := running("fanIn"); started != 1 {
			t.Fatalf("fanIn started %d goroutines, want 1", started)
		}
		close(a)
		close(b)
		if s, ok := <-c; ok {
			t.Fatalf("got %q, want c closed", s)
		}
	})
}

func TestFanInSwitchesOffEachClosedInput(t *testing.T) {
	for _, closeFirst := range []int{1, 2} {
		synctest.Test(t, func(t *testing.T) {
			a, b := make(chan string), make(chan string)
			c := fanIn(a, b)
			closed, open := a, b
			if closeFirst == 2 {
				closed, open = b, a
			}
			close(closed) // from now on only the open input's case can fire
			open <- "Ann: 0"
			if s := <-c; s != "Ann: 0" {
				t.Fatalf("got %q, want \"Ann: 0\"", s)
			}
			synctest.Wait()
			select {
			case s, ok := <-c:
				t.Fatalf("got %q (open: %t) while one input is still open and silent", s, ok)
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
// synctest bubble the fake clock would stop and every test would hang instead
// of failing. Real time, with a deadline of seconds as a safety net, turns
// that into a failure; when fanIn is right, c closes at once.
func bothClosedEndsFanIn() error {
	input1, input2 := make(chan string), make(chan string)
	close(input1)
	close(input2)
	c := fanIn(input1, input2)
	select {
	case s, ok := <-c:
		if ok {
			return fmt.Errorf("fanIn of two closed inputs sent %q, want c closed", s)
		}
		return nil
	case <-time.After(5 * time.Second):
		return errors.New("fanIn of two closed inputs did not close c within 5s: does it set a closed input to nil?")
	}
}

func TestFanInEndsWhenBothInputsAreClosed(t *testing.T) {
	if err := bothClosedEndsFanIn(); err != nil {
		t.Fatal(err)
	}
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

// Equivalent change, which no test can see: a buffer on boring's c or on
// fanIn's c. main is always already waiting to receive, so every send finds
// its receiver at once.

func FuzzFanIn(f *testing.F) {
	f.Add(uint8(0), uint8(0), uint64(1))
	f.Add(uint8(5), uint8(0), uint64(2))
	f.Add(uint8(0), uint8(5), uint64(3))
	f.Add(uint8(3), uint8(30), uint64(4))
	f.Fuzz(func(t *testing.T, joe, ann uint8, seed uint64) {
		synctest.Test(t, func(t *testing.T) {
			joePause, annPause := speakerPauses(seed)
			got := collect(fanIn(boring("Joe", int(joe), joePause), boring("Ann", int(ann), annPause)))
			checkEveryMessageOnceInOrder(t, got, int(joe), int(ann))
		})
	})
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
