// Prime_sieve finds primes with a daisy chain of goroutines that grows by
// one filter for every prime it finds.
//
// Slides: "More party tricks" (Go Concurrency Patterns, 2012), which links
// the concurrent prime sieve of the Go documentation (go.dev/doc/play/sieve.go,
// after Hoare's CSP and McIlroy).
//
// generate sends 2, 3, 4, ... down a channel. sieve takes the first number
// that reaches it: a prime, since nothing before it divides it. It prints
// the prime and puts a filter for it at the end of the chain, so from then
// on no multiple of that prime gets through. Each filter is a goroutine
// that receives from the one before it and sends to the one after it: the
// daisy chain of "Daisy-chain", except that here it keeps growing.
//
// What to notice: no goroutine decides that a number is prime; a number is
// prime because it got through every filter. It is also slow: a number is
// handed on until it meets the filter of its smallest prime factor, so the
// k-th prime is handed on k times, by generate and by each of the k-1
// filters before it, and n primes take more than n²/2 hand-offs. The time
// per prime grows at least in proportion to n, the total at least as n²
// (the benchmark measures it). It shows goroutines off; it is no way to
// find primes: the tests' plain trial division is far faster.
//
// Changed from the source:
//   - generate, filter and sieve share a done channel; sieve closes it when
//     it has its n primes, and every send and receive of the chain is a
//     select with done, so every goroutine of the chain returns. The source
//     leaves them all blocked and lets the process exit take them down. The
//     talk has introduced select ("Select") by the time it shows this.
//   - each goroutine of the chain counts itself in and out of a running
//     gauge, so a test can watch the chain grow by one filter per prime and
//     shrink to nothing when sieve is done.
//   - the source's main is sieve(w, n, running): it prints to w instead of
//     calling println, and n primes instead of 10.
package main

import (
	"fmt"
	"io"
	"sync/atomic"
)

// generate sends the sequence 2, 3, 4, ... to channel ch.
func generate(ch chan<- int, done <-chan struct{}, running *atomic.Int64) {
	running.Add(1) // Changed: counts itself in and out, so tests can see the chain.
	defer running.Add(-1)
	for i := 2; ; i++ {
		select {
		case ch <- i: // blocks until the first filter (or sieve) takes it
		case <-done: // Changed: stops when sieve has its primes.
			return
		}
	}
}

// filter copies the values from channel in to channel out, removing those
// divisible by prime.
func filter(in <-chan int, out chan<- int, prime int, done <-chan struct{}, running *atomic.Int64) {
	running.Add(1) // Changed: counts itself in and out, so tests can see the chain.
	defer running.Add(-1)
	for {
		var i int
		select {
		case i = <-in: // blocks until the goroutine before it in the chain sends
		case <-done: // Changed: stops when sieve has its primes.
			return
		}
		if i%prime != 0 {
			select {
			case out <- i: // blocks until the next filter (or sieve) takes it
			case <-done: // Changed: stops when sieve has its primes.
				return
			}
		}
	}
}

// sieve prints the first n primes to w, one a line: the source's main.
// Every goroutine it starts has been told to return when it returns.
func sieve(w io.Writer, n int, running *atomic.Int64) {
	done := make(chan struct{}) // Changed: closed when sieve has its primes; the whole chain then returns.
	defer close(done)
	ch := make(chan int)
	go generate(ch, done, running)
	for range n {
		prime := <-ch
		fmt.Fprintln(w, prime)
		ch1 := make(chan int) // unbuffered, as in the source; a buffer would let numbers run ahead, yet print the same primes
		go filter(ch, ch1, prime, done, running)
		ch = ch1
	}
}
