package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// counters returns one counter of each kind, and a function that releases
// the channel counter's goroutine.
func counters() (map[string]counter, func()) {
	ch := newChanCounter()
	return map[string]counter{
		"channel": ch,
		"mutex":   &mutexCounter{},
		"atomic":  &atomicCounter{},
	}, ch.Close
}

func TestCountersReachTheExactCount(t *testing.T) {
	for _, size := range []struct{ goroutines, increments int }{
		{1, 0}, {1, 1}, {1, 1000}, {2, 500}, {8, 250}, {32, 10}, {0, 100},
	} {
		t.Run(fmt.Sprintf("%dx%d", size.goroutines, size.increments), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cs, closeAll := counters()
				defer closeAll()
				for name, c := range cs {
					hammer(c, size.goroutines, size.increments)
					if got, want := c.Value(), int64(size.goroutines*size.increments); got != want {
						t.Errorf("%s counter counted %d, want %d", name, got, want)
					}
				}
			})
		})
	}
}

func TestReadsWhileIncrementingNeverGoBackwards(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cs, closeAll := counters()
		defer closeAll()
		for name, c := range cs {
			var writers sync.WaitGroup
			var writing atomic.Bool
			writing.Store(true)
			for range 4 {
				writers.Go(func() {
					for range 2000 {
						c.Inc()
					}
				})
			}
			var reads []int64
			reader := make(chan struct{})
			go func() {
				defer close(reader)
				for writing.Load() {
					reads = append(reads, c.Value())
				}
				reads = append(reads, c.Value())
			}()
			writers.Wait()
			writing.Store(false)
			<-reader
			if !slices.IsSorted(reads) {
				t.Errorf("%s counter went backwards: %v", name, reads)
			}
			if last := reads[len(reads)-1]; last != 8000 {
				t.Errorf("%s counter ended at %d, want 8000", name, last)
			}
		}
	})
}

func TestChanCounterGoroutineEndsOnClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newChanCounter()
		c.Inc()
		c.Inc()
		if v := c.Value(); v != 2 {
			t.Fatalf("Value() = %d, want 2", v)
		}
		c.Close()
		// If own were still waiting in its select, synctest.Test would fail
		// when this function returns.
	})
}

func TestSquaresDeliversEveryResultOnceAndCloses(t *testing.T) {
	for _, n := range []int{0, 1, 7, 500} {
		for _, workers := range []int{1, 3, 8} {
			t.Run(fmt.Sprintf("%d jobs %d workers", n, workers), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					var processed atomic.Int64
					var got []int
					for sq := range squares(n, workers, &processed) { // ends only if the channel is closed
						got = append(got, sq)
					}
					slices.Sort(got)
					want := make([]int, n)
					for i := range n {
						want[i] = (i + 1) * (i + 1)
					}
					if !slices.Equal(got, want) {
						t.Errorf("squares = %v, want %v", got, want)
					}
					if p := processed.Load(); p != int64(n) {
						t.Errorf("processed = %d, want %d", p, n)
					}
				})
			})
		}
	}
}

func TestAdvice(t *testing.T) {
	names := []string{"channels", "mutex", "atomic"}
	for _, tc := range []struct {
		costs []float64
		want  string
	}{
		{[]float64{200, 20, 5}, "Here atomic was cheapest, 40x cheaper than channels"},
		{[]float64{200, 4, 5}, "Here mutex was cheapest, 50x cheaper than channels"},
		{[]float64{3, 4, 5}, "Here channels were as cheap as anything"},
	} {
		if got := advice(names, tc.costs); !strings.HasPrefix(got, tc.want) {
			t.Errorf("advice(%v) = %q, want it to start %q", tc.costs, got, tc.want)
		}
	}
}

func BenchmarkCounter(b *testing.B) {
	for _, kind := range []string{"channel", "mutex", "atomic"} {
		b.Run(kind, func(b *testing.B) {
			cs, closeAll := counters()
			defer closeAll()
			c := cs[kind]
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c.Inc()
				}
			})
		})
	}
}

func BenchmarkSquares(b *testing.B) {
	// Cost per job of the working-together example: channels to hand out
	// 1000 jobs and collect their results, a WaitGroup to close, an atomic
	// to count.
	const n = 1000
	for b.Loop() {
		var processed atomic.Int64
		for range squares(n, 4, &processed) {
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/job")
}

func TestRun(t *testing.T) {
	// Inside the bubble the clock stands still while the counters work, so
	// every cost reads 0ns; what matters here is the counts and that every
	// goroutine run started has ended.
	var out bytes.Buffer
	synctest.Test(t, func(t *testing.T) {
		if err := run(&out, []string{"-goroutines", "3", "-increments", "100", "-jobs", "10", "-workers", "2"}); err != nil {
			t.Fatal(err)
		}
	})
	s := out.String()
	for _, want := range []string{
		"A reference counter, 3 goroutines × 100 increments = 300, three ways:\n",
		"  channels (one goroutine owns it)   counted 300 ",
		"  sync.Mutex                         counted 300 ",
		"  sync/atomic (atomic.Int64)         counted 300 ",
		"Here ",
		"Working together: 2 workers squared 1..10; the squares sum to 385 (n(n+1)(2n+1)/6 = 385).\n",
		"an atomic counted 10 jobs done.\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-goroutines", "0"}, "-goroutines must be at least 1, got 0"},
		{[]string{"-increments", "0"}, "-increments must be at least 1, got 0"},
		{[]string{"-jobs", "-1"}, "-jobs must be at least 0, got -1"},
		{[]string{"-workers", "0"}, "-workers must be at least 1, got 0"},
		{[]string{"-workers", "many"}, "invalid value"},
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
