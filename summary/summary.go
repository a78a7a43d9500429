// The talk closes with "Don't overdo it", shown here with one reference
// counter built three ways (channels, a mutex, an atomic) and a small program
// in which channels and sync each do the part they are best at.
//
// Slides: "More party tricks", "Don't overdo it", "Conclusions" (Go
// Concurrency Patterns, 2012). These slides show no code: the counters and
// squares are this collection's. The party tricks and the sequels each have a
// folder under summary/.
//
// What to notice: all three counters reach the exact count, and the program
// prints what one increment cost with each on this machine and the advice it
// draws from that. In squares, channels hand out the work and bring back the
// results, a WaitGroup says when to close, and an atomic counts.
package main

import (
	"sync"
	"sync/atomic"
	"time"
)

// A counter is a reference counter that many goroutines may use at once.
type counter interface {
	Inc()
	Value() int64
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

// Close stops the owning goroutine. The send returns once own has received
// it, and own returns right after.
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

// hammer increments c from the given number of goroutines, increments times
// each, and returns how long that took. It returns once every goroutine is
// done: only then is the count complete.
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

// squares squares 1..n with the given number of workers and returns the
// channel of squares, in no particular order, closed once every worker is
// done. processed counts the squares handed over so far; anyone may read it
// at any time.
func squares(n, workers int, processed *atomic.Int64) <-chan int {
	// Unbuffered, so the sender runs at most one job ahead of the workers.
	// (A buffer would let it run further ahead, which nothing here can see:
	// the results, their number and processed would be the same.)
	jobs := make(chan int)
	// Unbuffered, so a worker's send returns only once the caller has its
	// square: processed, counted after the send, never runs ahead of the
	// squares received.
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
