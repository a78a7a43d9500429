// The concurrent prime sieve finds primes with a daisy chain of goroutines
// that grows by one filter for every prime it finds.
//
// Slides: "More party tricks" (Go Concurrency Patterns, 2012), which links
// the concurrent prime sieve of the Go documentation (go.dev/doc/play/sieve.go).
//
// generate sends 2, 3, 4, ... down a channel. sieve takes the first number
// that reaches it: a prime, since no smaller prime divides it. It prints the
// prime and puts a filter for it at the end of the chain, so no multiple of
// that prime gets through any more. Each filter is a goroutine that receives
// from the one before it and sends to the one after it: the chain of
// "Daisy-chain" (09), except that this one keeps growing.
//
// What to notice: no goroutine decides that a number is prime; a number is
// prime because it got through every filter. It is also slow: the k-th prime
// is handed on k times, by generate and by each of the k-1 filters before it,
// so n primes take more than n²/2 hand-offs (BenchmarkSieve measures them).
// It shows goroutines off; it is no way to find primes.
package main

import (
	"fmt"
	"io"
)

// generate sends the sequence 2, 3, 4, ... to channel ch.
func generate(ch chan<- int, done <-chan struct{}) {
	for i := 2; ; i++ {
		select {
		case ch <- i: // blocks until the first filter (or sieve) takes it
		case <-done: // sieve has its primes
			return
		}
	}
}

// filter copies the values from channel in to channel out, removing those
// divisible by prime.
func filter(in <-chan int, out chan<- int, prime int, done <-chan struct{}) {
	for {
		var i int
		select {
		case i = <-in: // blocks until the goroutine before it in the chain sends
		case <-done: // sieve has its primes
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

// sieve prints the first n primes to w, one a line.
// Changed: the source's main, for n primes (the source: 10) printed to w (the
// source: fmt.Println).
func sieve(w io.Writer, n int) {
	// Changed: generate and filter select on done, which sieve closes when it
	// returns, so the whole chain ends; the source leaves every goroutine of it
	// blocked for the process exit to take down.
	done := make(chan struct{})
	defer close(done)
	ch := make(chan int)
	go generate(ch, done)
	for range n {
		prime := <-ch
		fmt.Fprintln(w, prime)
		ch1 := make(chan int) // unbuffered, as in the source; a buffer would let numbers run ahead, yet print the same primes
		go filter(ch, ch1, prime, done)
		ch = ch1
	}
}
