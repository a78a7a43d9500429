// Summary closes the talk with "Don't overdo it": one reference counter built
// three ways, channels, a mutex and an atomic, measured side by side, and a
// small program where sync and channels each do the part they are best at.
//
// Slides: "More party tricks", "Don't overdo it", "Conclusions" (Go
// Concurrency Patterns, 2012).
//
// Goroutines and channels are big ideas: tools for program construction. But
// sometimes all you need is a reference counter. The chanCounter below is
// the "share memory by communicating" way: one goroutine owns the count and
// the others talk to it through channels (the Go proverb, and the "Share
// Memory by Communicating" codewalk). mutexCounter guards the count with a
// sync.Mutex; atomicCounter is a sync/atomic.Int64. All three reach the exact
// count; the program prints what each increment cost on this machine and
// the advice that follows. Use the right tool for the job.
//
// Often the two work together: in squares, channels hand the work to the
// workers and the results back, a sync.WaitGroup says when every worker is
// done so the results channel can be closed, and an atomic counter keeps a
// statistic that anyone can read at any time.
//
// The talk's other party tricks, not repeated here: the Chatroulette toy,
// the load balancer, the concurrent prime sieve, and McIlroy's power series.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage already printed
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "summary:", err)
		os.Exit(2)
	}
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("summary", flag.ContinueOnError)
	goroutines := fs.Int("goroutines", 4, "goroutines incrementing each counter")
	increments := fs.Int("increments", 100_000, "increments by each goroutine")
	jobs := fs.Int("jobs", 1000, "numbers to square in the working-together example")
	workers := fs.Int("workers", 4, "workers in the working-together example")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *goroutines < 1:
		return fmt.Errorf("-goroutines must be at least 1, got %d", *goroutines)
	case *increments < 1:
		return fmt.Errorf("-increments must be at least 1, got %d", *increments)
	case *jobs < 0:
		return fmt.Errorf("-jobs must be at least 0, got %d", *jobs)
	case *workers < 1:
		return fmt.Errorf("-workers must be at least 1, got %d", *workers)
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}

	total := *goroutines * *increments
	fmt.Fprintf(w, "A reference counter, %d goroutines × %d increments = %d, three ways:\n", *goroutines, *increments, total)
	ch := newChanCounter()
	kinds := []struct {
		name string
		c    counter
	}{
		{"channels (one goroutine owns it)", ch},
		{"sync.Mutex", &mutexCounter{}},
		{"sync/atomic (atomic.Int64)", &atomicCounter{}},
	}
	var names []string
	var costs []float64 // ns an increment
	for _, k := range kinds {
		cost := float64(hammer(k.c, *goroutines, *increments)) / float64(total)
		fmt.Fprintf(w, "  %-34s counted %d  %8.1fns an increment\n", k.name, k.c.Value(), cost)
		names, costs = append(names, k.name), append(costs, cost)
	}
	ch.Close() // its goroutine ends
	fmt.Fprintln(w, advice(names, costs))

	var processed atomic.Int64
	sum := 0
	for sq := range squares(*jobs, *workers, &processed) {
		sum += sq
	}
	n := *jobs
	fmt.Fprintf(w, "\nWorking together: %d workers squared 1..%d; the squares sum to %d (n(n+1)(2n+1)/6 = %d).\n",
		*workers, n, sum, n*(n+1)*(2*n+1)/6)
	fmt.Fprintf(w, "Channels carried the work, a WaitGroup closed the results, an atomic counted %d jobs done.\n", processed.Load())
	return nil
}

// advice draws one line of advice from what an increment cost with each
// counter; the first is the channel counter.
func advice(names []string, costs []float64) string {
	best := 1
	for i := 2; i < len(costs); i++ {
		if costs[i] < costs[best] {
			best = i
		}
	}
	if costs[best] >= costs[0] {
		return "Here channels were as cheap as anything: measure before you choose."
	}
	return fmt.Sprintf("Here %s was cheapest, %.0fx cheaper than channels: for a count, use sync; use channels to hand over work.",
		names[best], costs[0]/costs[best])
}

// A counter is a reference counter that many goroutines may use at once.
type counter interface {
	Inc()
	Value() int64
}

// hammer increments c from the given number of goroutines, increments times
// each, and returns how long that took.
func hammer(c counter, goroutines, increments int) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range increments {
				c.Inc()
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// chanCounter shares memory by communicating: the count belongs to one
// goroutine, and Inc and Value are messages to it. Close stops it; after
// Close, Inc and Value must not be called.
type chanCounter struct {
	inc   chan struct{}
	value chan int64
	quit  chan struct{}
}

func newChanCounter() *chanCounter {
	c := &chanCounter{inc: make(chan struct{}), value: make(chan int64), quit: make(chan struct{})}
	go c.own()
	return c
}

// own is the goroutine that owns the count. Nobody else touches n.
func (c *chanCounter) own() {
	var n int64
	for {
		select {
		case <-c.inc:
			n++
		case c.value <- n: // offers the current count to whoever asks
		case <-c.quit:
			return
		}
	}
}

func (c *chanCounter) Inc()         { c.inc <- struct{}{} }
func (c *chanCounter) Value() int64 { return <-c.value }

// Close stops the owning goroutine. The send returns once it has been
// received, and own returns right after.
func (c *chanCounter) Close() { c.quit <- struct{}{} }

// mutexCounter guards its count with a mutex.
type mutexCounter struct {
	mu sync.Mutex
	n  int64
}

func (c *mutexCounter) Inc() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

func (c *mutexCounter) Value() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// atomicCounter is a single atomic integer: the hardware does the locking.
type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) Inc()         { c.n.Add(1) }
func (c *atomicCounter) Value() int64 { return c.n.Load() }

// squares squares 1..n with the given number of workers and returns the
// channel of squares, in no particular order, closed once every worker is
// done. processed counts the jobs done so far and may be read at any time.
func squares(n, workers int, processed *atomic.Int64) <-chan int {
	jobs := make(chan int)
	results := make(chan int)
	go func() {
		for i := range n {
			jobs <- i + 1 // blocks until a worker is free
		}
		close(jobs) // the sender closes: the workers' range loops end
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				results <- j * j // blocks until the caller receives
				processed.Add(1)
			}
		})
	}
	go func() {
		// The workers are results' senders; the WaitGroup knows when the
		// last of them is done, so it is safe to close.
		wg.Wait()
		close(results)
	}()
	return results
}
