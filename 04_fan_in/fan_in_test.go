package main

import (
	"bytes"
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

func TestFastSpeakerIsHeardBeforeSlowOne(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		conversation(newStampWriter(&out), 3, every(ms(10)), every(ms(100)))
		// Joe says all three before Ann's first: nobody waits for a turn
		// (in 03_generator, Joe 1 came only after Ann 0).
		want := `  10ms Joe: 0
  20ms Joe: 1
  30ms Joe: 2
 100ms Ann: 0
 200ms Ann: 1
 300ms Ann: 2
 300ms You're both boring; I'm leaving.
`
		if out.String() != want {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}

func TestFanInPassesEachMessageOnAsSoonAsItIsReady(t *testing.T) {
	t.Parallel()
	for _, slowFirst := range []bool{true, false} {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			slow := make(chan string) // says nothing until it closes
			fast := boring("fast", 2, every(ms(5)))
			var input1, input2 <-chan string = slow, fast
			if !slowFirst {
				input1, input2 = fast, slow
			}
			c := fanIn(input1, input2)
			for i := range 2 {
				if s, at := <-c, time.Since(start); s != fmt.Sprint("fast: ", i) || at != ms(5*(i+1)) {
					t.Fatalf("got %q at %v, want \"fast: %d\" at %v", s, at, i, ms(5*(i+1)))
				}
			}
			close(slow)
			if s, ok := <-c; ok {
				t.Fatalf("got %q, want c closed", s)
			}
		})
	}
}

func TestFanInClosesOnlyWhenBothInputsAreDone(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		a, b := make(chan string), make(chan string)
		c := fanIn(a, b)
		close(a)
		synctest.Wait() // a's goroutine has ended; b's is waiting for b
		select {
		case s, ok := <-c:
			t.Fatalf("fanIn's output gave %q (open: %t) while input2 was still open: it must close only once both copying goroutines are done", s, ok)
		default:
		}
		b <- "Ann: 0" // input2 still works
		if s := <-c; s != "Ann: 0" {
			t.Fatalf("got %q, want \"Ann: 0\"", s)
		}
		close(b)
		if s, ok := <-c; ok {
			t.Fatalf("got %q, want c closed once both inputs are", s)
		}
	})
}

func TestFanInDeliversEveryMessageOnceInOrder(t *testing.T) {
	t.Parallel()
	for seed := range uint64(20) {
		synctest.Test(t, func(t *testing.T) {
			c := fanIn(boring("Joe", 30, randomPauses(seed, 1, maxPause)), boring("Ann", 30, randomPauses(seed, 2, maxPause)))
			checkFannedIn(t, c, map[string]int{"Joe": 30, "Ann": 30})
		})
	}
}

// Going further.

func TestFanInAllClosesOnlyWhenEveryInputIsDone(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		a, b, c := make(chan string), make(chan string), make(chan string)
		out := fanInAll(a, b, c)
		close(a)
		close(c)
		synctest.Wait()
		select {
		case s, ok := <-out:
			t.Fatalf("with b still open, got %q (open: %t), want nothing yet", s, ok)
		default:
		}
		close(b)
		if s, ok := <-out; ok {
			t.Fatalf("got %q, want the output closed", s)
		}
	})
}

// The seed corpus runs with go test: 0, 1, 2, 3, 7 and 16 producers.
func FuzzFanInAllKeepsEachProducersOrder(f *testing.F) {
	for i, k := range []uint8{0, 1, 2, 3, 7, 16} {
		f.Add(k, uint8(5*i), uint64(i))
	}
	f.Fuzz(func(t *testing.T, k, n uint8, seed uint64) {
		k, n = k%17, n%50 // keep each case small: at most 16 producers of 49 messages
		synctest.Test(t, func(t *testing.T) {
			var inputs []<-chan string
			want := map[string]int{}
			for i := range int(k) {
				name := fmt.Sprint("p", i)
				inputs = append(inputs, boring(name, int(n), randomPauses(seed, uint64(i), maxPause)))
				want[name] = int(n)
			}
			checkFannedIn(t, fanInAll(inputs...), want)
		})
	})
}

func BenchmarkFanIn(b *testing.B) {
	// Cost per message through fanIn: two producers that never pause.
	const n = 1000
	for b.Loop() {
		for range fanIn(boring("Joe", n/2, every(0)), boring("Ann", n/2, every(0))) {
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/msg")
}

// Each boring closes its channel after its last message, so fanIn's copying
// goroutines end and fanIn closes its output: a range over it ends.
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
			t.Fatal("both speakers said their 2 messages, but fanIn never closed its output: " +
				"its copying goroutines still wait on their inputs (does boring close its channel?)")
		}
	})
}
