// The concurrent prime sieve finds primes with a daisy chain of goroutines
// that grows by one filter for every prime it finds.
//
// Slides: "More party tricks" (Go Concurrency Patterns, 2012), which links
// the concurrent prime sieve of the Go documentation (go.dev/doc/play/sieve.go).
//
// Generate sends 2, 3, 4, ... down a channel. sieve takes the first number
// that reaches it: a prime, since no smaller prime divides it. It prints the
// prime and puts a filter for it at the end of the chain, so no multiple of
// that prime gets through any more. Each filter is a goroutine that receives
// from the one before it and sends to the one after it: the chain of
// "Daisy-chain" (09), except that this one keeps growing. Once sieve has its
// primes it closes done, on which every goroutine of the chain selects, and
// waits for each of them to return.
//
// What to notice: no goroutine decides that a number is prime; a number is
// prime because it got through every filter. It is also slow: the k-th prime
// is handed on k times, by Generate and by each of the k-1 filters before it,
// so n primes take more than n²/2 hand-offs (BenchmarkSieve measures them).
// It shows goroutines off; it is no way to find primes.
package main

import (
	"fmt"
	"io"
	"sync"
)

// Generate sends the sequence 2, 3, 4, ... to channel ch.
func Generate(ch chan<- int, done <-chan struct{}) {
	for i := 2; ; i++ {
		// Changed: a select on done, which sieve closes once it has its primes
		// (the source's Generate only sends, and blocks for ever at the end).
		select {
		case ch <- i: // blocks until the first filter (or sieve) takes it
		case <-done:
			return
		}
	}
}

// Filter copies the values from channel in to channel out, removing those
// divisible by prime.
func Filter(in <-chan int, out chan<- int, prime int, done <-chan struct{}) {
	for {
		// Changed: both the receive and the send select on done, which sieve
		// closes once it has its primes (the source's Filter blocks for ever
		// at the end, in one or the other).
		var i int
		select {
		case i = <-in: // blocks until the goroutine before it in the chain sends
		case <-done:
			return
		}
		if i%prime != 0 {
			select {
			case out <- i: // blocks until the next filter (or sieve) takes it
			case <-done:
				return
			}
		}
	}
}

// sieve prints the first n primes to w, one a line: the source's main.
func sieve(w io.Writer, n int) {
	done := make(chan struct{})
	// Changed: sieve ends the chain and waits for it: it closes done, and
	// chain counts Generate and every Filter until each has returned. The
	// source's main returns with all of them blocked, for the process exit to
	// take down.
	var chain sync.WaitGroup
	ch := make(chan int)
	out := ch // Generate's own copy: ch moves on down the chain below
	chain.Go(func() { Generate(out, done) })
	for range n {
		prime := <-ch
		fmt.Fprintln(w, prime)
		ch1 := make(chan int) // unbuffered, as in the source; a buffer would let numbers run ahead, yet print the same primes
		in := ch              // this filter's own copy: ch moves on to ch1 next
		chain.Go(func() { Filter(in, ch1, prime, done) })
		ch = ch1
	}
	close(done) // each goroutine of the chain is in, or comes to, a select with a done case
	chain.Wait()
}
