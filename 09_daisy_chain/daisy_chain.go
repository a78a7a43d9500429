// Daisy chain passes a whisper down a chain of n goroutines, each adding
// one, to show how cheap goroutines are.
//
// Slides: "Daisy-chain", "Chinese whispers, gopher style" (Go Concurrency
// Patterns, 2012).
//
// Each gopher is a goroutine running f, blocked until the whisper reaches it.
// daisyChain, the slide's main, links n gophers with n+1 channels, feeds 0 in
// at the right and prints what comes out at the left: n. In a chain of 1000
// or more the program then prints what the chain cost while every gopher
// waited (cost.go): the time to build it and the whisper's trip, in all and
// for each gopher, and each gopher's stack and heap. -n sets the length; the
// default is the slide's 10,000.
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
//
// Changed: n is an argument instead of the slide's const n = 10000, so that
// -n sets the length.
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
	// Changed: built is called once all n gophers exist and none can finish
	// yet, so the caller can read the clock and the memory of the whole chain.
	built()
	go func(c chan int) { c <- 0 }(right) // Changed: 0 goes in instead of 1, so n comes out.
	fmt.Fprintln(w, <-leftmost)
}
