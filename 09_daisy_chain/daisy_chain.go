// Daisy_chain passes a whisper down a chain of n goroutines, each adding one,
// to show how cheap goroutines are.
//
// Slides: "Daisy-chain", "Chinese whispers, gopher style" (Go Concurrency
// Patterns, 2012).
//
// Each gopher is a goroutine running f: it waits for a number from its right,
// adds one and waits until its left takes the sum. daisyChain, the slide's
// main, links n gophers with n+1 channels, feeds a number into the rightmost
// channel and prints what comes out of the leftmost. Every gopher is blocked
// on a channel until the whisper reaches it, so the chain costs what n
// waiting goroutines cost: a small stack each and a few hundred bytes of heap.
// The program prints that cost, measured while every gopher waits (-n sets the
// length; the slide's code uses 10,000, this program 100,000 by default).
//
// Changed from the talk:
//   - n is an argument instead of the slide's const n = 10000, and the loop
//     is for range n.
//   - 0 goes in instead of 1, so that what comes out is n itself.
//   - daisyChain calls built() once the chain is built, so that main.go can
//     read the clock and the memory while every gopher waits.
//   - It prints to w instead of standard output.
//
// The talk's code already ends every goroutine: each f returns after its one
// hand-off.
package main

import (
	"fmt"
	"io"
)

// f is one gopher: it passes on one more than it receives.
func f(left, right chan int) {
	left <- 1 + <-right // waits for the gopher on the right, then for the one on the left
}

// daisyChain is the slide's main: n gophers in a row, a whisper in at the
// right, out at the left.
func daisyChain(w io.Writer, n int, built func()) {
	leftmost := make(chan int)
	right := leftmost
	left := leftmost
	for range n {
		// Unbuffered, as in the talk. With a buffer of one, each gopher
		// would return as soon as it has passed the sum on, instead of when
		// its left takes it; the whisper and the result would be the same.
		right = make(chan int)
		go f(left, right)
		left = right
	}
	built()                               // Changed: all n gophers exist and none can finish yet; main.go measures here.
	go func(c chan int) { c <- 0 }(right) // Changed: 0 goes in, so n comes out.
	fmt.Fprintln(w, <-leftmost)
}
