package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// every returns a pause source that always pauses d.
func every(d time.Duration) func() time.Duration {
	return func() time.Duration { return d }
}

// producers starts k boring producers named p0, p1, ..., each sending n
// messages with random pauses drawn from seed.
func producers(k, n int, seed uint64) []<-chan string {
	inputs := make([]<-chan string, k)
	for i := range k {
		inputs[i] = boring(fmt.Sprintf("p%d", i), n, randomPauses(seed, uint64(i), 100*time.Millisecond))
	}
	return inputs
}

// checkEveryMessageOnceInOrder fails unless got holds, for each of k
// producers, exactly the messages "pI 0" to "pI n-1", in that order.
func checkEveryMessageOnceInOrder(t *testing.T, got []string, k, n int) {
	t.Helper()
	next := make([]int, k) // the sequence number expected next from each producer
	for _, s := range got {
		var p, i int
		if _, err := fmt.Sscanf(s, "p%d %d", &p, &i); err != nil || p < 0 || p >= k {
			t.Fatalf("unexpected message %q", s)
		}
		if i != next[p] {
			t.Fatalf("from p%d got message %d, want %d (duplicate, lost or out of order)", p, i, next[p])
		}
		next[p]++
	}
	for p, count := range next {
		if count != n {
			t.Fatalf("p%d delivered %d messages, want %d", p, count, n)
		}
	}
}

func collect(c <-chan string) []string {
	var got []string
	for s := range c {
		got = append(got, s)
	}
	return got
}

func TestFanInKeepsEachProducersOrder(t *testing.T) {
	for _, k := range []int{1, 2, 3, 10} {
		t.Run(fmt.Sprintf("%d producers", k), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				got := collect(fanIn(producers(k, 20, uint64(k))...))
				checkEveryMessageOnceInOrder(t, got, k, 20)
			})
		})
	}
}

func TestFastProducerOvertakesSlowOne(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		conversation(&out, 3, every(10*time.Millisecond), every(100*time.Millisecond))
		// Joe says all three before Ann's first: nobody waits for a turn.
		want := `  10ms Joe 0
  20ms Joe 1
  30ms Joe 2
 100ms Ann 0
 200ms Ann 1
 300ms Ann 2
 300ms You're both boring; I'm leaving.
`
		if out.String() != want {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}

func TestFanInPassesEachMessageOnAsSoonAsItIsReady(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		slow := make(chan string) // never sends until the end
		c := fanIn(slow, boring("fast", 1, every(5*time.Millisecond)))
		if s := <-c; s != "fast 0" || time.Since(start) != 5*time.Millisecond {
			t.Fatalf("got %q at %v, want \"fast 0\" at 5ms", s, time.Since(start))
		}
		close(slow)
		if s, ok := <-c; ok {
			t.Fatalf("got %q, want the output closed", s)
		}
	})
}

func TestFanInClosesWhenThereIsNothingToForward(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		if s, ok := <-fanIn(); ok {
			t.Fatalf("fanIn() sent %q, want it closed", s)
		}
		empty1, empty2 := make(chan string), make(chan string)
		close(empty1)
		close(empty2)
		if s, ok := <-fanIn(empty1, empty2); ok {
			t.Fatalf("fanIn of closed inputs sent %q, want it closed", s)
		}
	})
}

func FuzzFanInDeliversEveryMessageOnceInOrder(f *testing.F) {
	f.Add(uint8(0), uint8(0), uint64(1))
	f.Add(uint8(1), uint8(5), uint64(2))
	f.Add(uint8(2), uint8(10), uint64(3))
	f.Add(uint8(7), uint8(0), uint64(4))
	f.Add(uint8(16), uint8(30), uint64(5))
	f.Fuzz(func(t *testing.T, k, n uint8, seed uint64) {
		k, n = k%17, n%50 // keep each case small: at most 16 producers of 49 messages
		synctest.Test(t, func(t *testing.T) {
			got := collect(fanIn(producers(int(k), int(n), seed)...))
			checkEveryMessageOnceInOrder(t, got, int(k), int(n))
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

func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if err := run(&out, []string{"-n", "4", "-seed", "1"}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if last := lines[len(lines)-1]; !strings.HasSuffix(last, "You're both boring; I'm leaving.") {
			t.Errorf("last line %q, want the leaving line", last)
		}
		joe, ann := 0, 0
		for _, l := range lines[:len(lines)-1] {
			switch {
			case strings.HasSuffix(l, fmt.Sprintf("Joe %d", joe)):
				joe++
			case strings.HasSuffix(l, fmt.Sprintf("Ann %d", ann)):
				ann++
			default:
				t.Errorf("unexpected line %q", l)
			}
		}
		if joe != 4 || ann != 4 {
			t.Errorf("heard Joe %d and Ann %d times, want 4 each:\n%s", joe, ann, out.String())
		}
	})
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "-1"}, "-n must be at least 0, got -1"},
		{[]string{"-n", "x"}, "invalid value"},
		{[]string{"-nope"}, "not defined"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		err := run(&bytes.Buffer{}, tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run(%q) = %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
	if err := run(&bytes.Buffer{}, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run(-h) = %v, want flag.ErrHelp", err)
	}
}
