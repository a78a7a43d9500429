// Channels connects main and a boring goroutine with a channel: a send and a
// receive wait for each other, so the channel both communicates and
// synchronises.
//
// Slides: "Communication", "Channels", "Using channels", "Synchronization",
// "An aside about buffered channels", "The Go approach" (Go Concurrency
// Patterns, 2012).
//
// In 01 main could not hear boring; here main prints what boring sends. Watch
// the time column: main prints each message the moment boring sends it. The
// aside, timed by handOff: unbuffered, each send completes only when its value
// is received; a buffer of k lets k sends go ahead. Don't communicate by
// sharing memory, share memory by communicating.
package main

import (
	"fmt"
	"io"
	"time"
)

// usingChannels is main from "Using channels": a channel connects main and
// boring so that they can communicate.
func usingChannels(w io.Writer, n int, pause func() time.Duration) {
	c := make(chan string) // declared and made in one statement ("Channels")
	go boring("boring!", c, n, pause)
	for range n { // n: as many as boring sends
		fmt.Fprintf(w, "You say: %q\n", <-c) // a receive expression is just a value
	}
	fmt.Fprintln(w, "You're boring; I'm leaving.")
}

// boring is the talk's boring from "Using channels": it sends its messages on
// c instead of printing them.
func boring(msg string, c chan string, n int, pause func() time.Duration) {
	for i := range n { // n: as many as main receives
		c <- fmt.Sprintf("%s %d", msg, i) // waits until main receives: "Synchronization"
		time.Sleep(pause())
	}
}

// Going further: "An aside about buffered channels" says that a buffer
// removes the synchronisation; the talk shows no code for it. handOff
// measures it.

// handOff makes a channel with the given capacity and sends n values on it as
// fast as it can, while a receiver takes one value every gap. It returns the
// moments, since the start and to the millisecond, at which each send
// completed, once the receiver has taken every value.
func handOff(capacity, n int, gap time.Duration) []time.Duration {
	start := time.Now()
	c := make(chan int, capacity)
	done := make(chan struct{}) // closed once the receiver has taken every value
	go func() {
		for range n {
			time.Sleep(gap)
			<-c
		}
		close(done)
	}()
	var sent []time.Duration
	for i := range n {
		c <- i // unbuffered, or with a full buffer, this waits for the receiver
		sent = append(sent, time.Since(start).Round(time.Millisecond))
	}
	<-done // the last send may complete before its value is received
	return sent
}
