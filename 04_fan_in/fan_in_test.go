package main

import (
	"bytes"
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

// seeded returns a pause source of random whole milliseconds in [0, 200ms).
func seeded(seed, stream uint64) func() time.Duration { return randomPauses(seed, stream) }

func collect(c <-chan string) []string {
	var got []string
	for s := range c {
		got = append(got, s)
	}
	return got
}

// checkEveryMessageOnceInOrder fails unless got holds, for each name, exactly
// the messages "name: 0" to "name: n-1", each once and in that order.
func checkEveryMessageOnceInOrder(t *testing.T, got []string, names []string, n int) {
	t.Helper()
	next := map[string]int{} // the number expected next from each speaker
	for _, name := range names {
		next[name] = 0
	}
	for _, s := range got {
		name, num, ok := strings.Cut(s, ": ")
		want, known := next[name]
		if !ok || !known || num != fmt.Sprint(want) {
			t.Fatalf("got %q, want %s: %d next (unknown, duplicate, lost or out of order)", s, name, want)
		}
		next[name]++
	}
	for _, name := range names {
		if next[name] != n {
			t.Fatalf("%s delivered %d messages, want %d", name, next[name], n)
		}
	}
}

func TestFastSpeakerIsHeardBeforeSlowOne(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		conversation(newStampWriter(&out), 3, every(10*time.Millisecond), every(100*time.Millisecond))
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
	for _, slowFirst := range []bool{true, false} {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			slow := make(chan string) // says nothing until it closes
			fast := boring("fast", 2, every(5*time.Millisecond))
			var input1, input2 <-chan string = slow, fast
			if !slowFirst {
				input1, input2 = fast, slow
			}
			c := fanIn(input1, input2)
			for i := range 2 {
				s := <-c
				if want := fmt.Sprintf("fast: %d", i); s != want || time.Since(start) != time.Duration(i+1)*5*time.Millisecond {
					t.Fatalf("got %q at %v, want %q at %v", s, time.Since(start), want, time.Duration(i+1)*5*time.Millisecond)
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
	synctest.Test(t, func(t *testing.T) {
		a, b := make(chan string), make(chan string)
		c := fanIn(a, b)
		close(a)
		synctest.Wait() // a's goroutine has ended; b's is waiting for b
		select {
		case s, ok := <-c:
			t.Fatalf("after closing only input1, c gave %q (open: %t), want nothing yet", s, ok)
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
	for seed := range uint64(20) {
		synctest.Test(t, func(t *testing.T) {
			c := fanIn(boring("Joe", 30, seeded(seed, 1)), boring("Ann", 30, seeded(seed, 2)))
			checkEveryMessageOnceInOrder(t, collect(c), []string{"Joe", "Ann"}, 30)
		})
	}
}

func TestNothingIsLeftRunningWhenMainLeaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conversation(&bytes.Buffer{}, 5, seeded(1, 1), seeded(1, 2))
		synctest.Wait() // every goroutine fanIn and boring started has ended, or is pausing or stuck
		if left := running("boring", "fanIn"); left != 0 {
			t.Fatalf("%d goroutines of boring and fanIn still there when main leaves, want 0 (one still pausing or blocked?)", left)
		}
	})
}

func TestNoMessagesNoLines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		conversation(newStampWriter(&out), 0, every(time.Second), every(time.Second))
		if want := "   0ms You're both boring; I'm leaving.\n"; out.String() != want {
			t.Fatalf("output %q, want %q", out.String(), want)
		}
	})
}

// The channels here are unbuffered, but a buffer in boring or fanIn would
// change nothing a test can see: main is always already waiting to receive,
// so every send finds its receiver at once. 02_channels and 03_generator show
// what a buffer changes.

// producers starts k boring producers named p0, p1, ..., each sending n
// messages with random pauses drawn from seed.
func producers(k, n int, seed uint64) (inputs []<-chan string, names []string) {
	for i := range k {
		names = append(names, fmt.Sprintf("p%d", i))
		inputs = append(inputs, boring(names[i], n, seeded(seed, uint64(i))))
	}
	return inputs, names
}

func TestFanInAllKeepsEachProducersOrder(t *testing.T) {
	for _, k := range []int{0, 1, 2, 3, 10} {
		t.Run(fmt.Sprintf("%d producers", k), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				inputs, names := producers(k, 20, uint64(k))
				checkEveryMessageOnceInOrder(t, collect(fanInAll(inputs...)), names, 20)
			})
		})
	}
}

func TestFanInAllClosesOnlyWhenEveryInputIsDone(t *testing.T) {
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

func FuzzFanInAllDeliversEveryMessageOnceInOrder(f *testing.F) {
	f.Add(uint8(0), uint8(0), uint64(1))
	f.Add(uint8(1), uint8(5), uint64(2))
	f.Add(uint8(2), uint8(10), uint64(3))
	f.Add(uint8(7), uint8(0), uint64(4))
	f.Add(uint8(16), uint8(30), uint64(5))
	f.Fuzz(func(t *testing.T, k, n uint8, seed uint64) {
		k, n = k%17, n%50 // keep each case small: at most 16 producers of 49 messages
		synctest.Test(t, func(t *testing.T) {
			inputs, names := producers(int(k), int(n), seed)
			checkEveryMessageOnceInOrder(t, collect(fanInAll(inputs...)), names, int(n))
		})
	})
}

func BenchmarkFanIn(b *testing.B) {
	// Cost per message through fanIn: two producers that never pause.
	const n = 1000
	never := every(0)
	for b.Loop() {
		for range fanIn(boring("Joe", n/2, never), boring("Ann", n/2, never)) {
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
