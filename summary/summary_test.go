package main

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
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
		before := bubbled()
		c := newChanCounter()
		c.Inc()
		c.Inc()
		if v := c.Value(); v != 2 {
			t.Fatalf("Value() = %d, want 2", v)
		}
		c.Close()
		if n := bubbled() - before; n != 0 {
			t.Fatalf("the channel counter's goroutine still waits in its select after Close: Close must tell it to quit")
		}
	})
}

// The mutex counter's goroutines really run at once here, outside a bubble:
// inside one, a goroutine waiting for a mutex is not durably blocked, so
// virtual time would never move on to the timeout.
func TestMutexCounterUnlocksAfterEachIncrement(t *testing.T) {
	t.Parallel()
	c := &mutexCounter{}
	done := make(chan struct{})
	go func() {
		hammer(c, 4, 1000)
		close(done)
	}()
	select {
	case <-done:
		if got := c.Value(); got != 4000 {
			t.Errorf("the mutex counter counted %d, want 4000", got)
		}
	case <-time.After(time.Second):
		t.Fatalf("4 goroutines × 1000 increments of the mutex counter not done after 1s: an Inc that leaves the mutex locked makes every later Lock wait for ever")
	}
}

func TestHammerTakesAsLongAsOneGoroutinesIncrements(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Each increment takes 1µs of virtual time; 4 goroutines work at
		// once, so 10 increments each take 10µs.
		var n atomic.Int64
		if took := hammer(sleepyCounter{&n}, 4, 10); took != 10*time.Microsecond || n.Load() != 40 {
			t.Errorf("hammer returned after %v with %d of 40 increments done, want 10µs and all 40: it must wait for its goroutines before it stops the clock", took, n.Load())
		}
	})
}

// sleepyCounter is a counter whose increments take 1µs each.
type sleepyCounter struct{ n *atomic.Int64 }

func (c sleepyCounter) Inc()         { time.Sleep(time.Microsecond); c.n.Add(1) }
func (c sleepyCounter) Value() int64 { return c.n.Load() }

func TestSquaresDeliversEveryResultOnceAndCloses(t *testing.T) {
	for _, n := range []int{0, 1, 7, 500} {
		for _, workers := range []int{1, 3, 8} {
			t.Run(fmt.Sprintf("%d jobs %d workers", n, workers), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					var processed atomic.Int64
					results := squares(n, workers, &processed)
					var got []int
					done := make(chan struct{})
					go func() {
						for sq := range results { // ends only once results is closed
							got = append(got, sq)
						}
						close(done)
					}()
					select {
					case <-done:
					case <-time.After(time.Hour):
						t.Fatalf("squares never closed its results (%d jobs): the workers' range over jobs ends only when the sender closes jobs, and results closes only after wg.Wait", n)
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

func TestSquaresCountsOnlyWhatWasHandedOver(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var processed atomic.Int64
		results := squares(10, 3, &processed)
		for received := range 10 {
			synctest.Wait() // every worker is blocked: on its send, or out of jobs
			// A worker's send waits for our receive, and it counts only
			// after: processed can be neither ahead of us nor behind.
			if p := processed.Load(); p != int64(received) {
				t.Fatalf("the workers counted %d squares handed over when the caller had received %d: a send into a buffer returns before the caller has the square", p, received)
			}
			<-results
		}
		if _, open := <-results; open {
			t.Error("results still open after the 10th square")
		}
		if p := processed.Load(); p != 10 {
			t.Errorf("processed = %d at the end, want 10", p)
		}
	})
}

func TestAdvice(t *testing.T) {
	names := []string{"channels", "mutex", "atomic"}
	for _, tc := range []struct {
		costs []float64
		want  string
	}{
		{[]float64{200, 20, 5}, "Here atomic was cheapest, 40x cheaper than channels: for a count, use sync; use channels to hand over work."},
		{[]float64{200, 5, 20}, "Here mutex was cheapest, 40x cheaper than channels: "},
		{[]float64{200, 4, 4}, "Here mutex was cheapest, 50x cheaper than channels: "}, // a tie: the first listed
		{[]float64{4, 4, 5}, "Here channels were as cheap as anything: measure before you choose."},
		{[]float64{4, 5, 4}, "Here channels were as cheap as anything: "},
		{[]float64{3, 4, 5}, "Here channels were as cheap as anything: "},
		{[]float64{0, 0, 0}, "Here channels were as cheap as anything: "},
		{[]float64{8, 7.9, 9}, "Here mutex was cheapest, 1x cheaper than channels: "},
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
