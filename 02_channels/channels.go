// Channels connects main and a boring goroutine with a channel: a send and a
// receive wait for each other, so the channel both communicates and
// synchronises.
//
// Slides: "Communication", "Channels", "Using channels", "Synchronization",
// "An aside about buffered channels", "The Go approach" (Go Concurrency
// Patterns, 2012).
//
// A channel is declared and made, and values are sent and received, like this:
//
//	var c chan int
//	c = make(chan int) // or c := make(chan int)
//	c <- 1             // send: the arrow shows the direction of data flow
//	value = <-c        // receive
//
// In 01 main could not hear boring; here boring sends its messages on c and
// main prints what it receives. When main executes <-c it waits until boring
// sends (the time column shows main printing each message the moment boring
// sends it); when boring executes c <- value it waits until main is ready to
// receive. A buffer removes that second wait: handOff, after the slide's code,
// measures the moment each send completes, unbuffered and with buffers.
//
// Don't communicate by sharing memory, share memory by communicating.
//
// Changed from the talk:
//   - boring sends n messages instead of looping forever (main receives n, the
//     talk's five by default), so that it returns after its last message and
//     pause, while the program goes on to the aside.
//   - boring takes pause, the source of its pauses, so that a test can choose
//     them. The program draws them like the talk, a tenth as long: under 100ms.
//   - main writes to w instead of standard output; w (main.go) stamps each
//     line with the time since the start.
package main

import (
	"fmt"
	"io"
	"time"
)

// usingChannels is main from "Using channels": the channel connects main and
// boring so that they can communicate.
func usingChannels(w io.Writer, n int, pause func() time.Duration) {
	c := make(chan string)
	go boring("boring!", c, n, pause)
	for range n { // Changed: n receives, the talk's 5 by default.
		fmt.Fprintf(w, "You say: %q\n", <-c) // a receive expression is just a value
	}
	fmt.Fprintln(w, "You're boring; I'm leaving.")
}

// boring is the talk's boring from "Using channels": it sends its messages on
// c instead of printing them.
func boring(msg string, c chan string, n int, pause func() time.Duration) {
	for i := range n { // Changed: n messages, so that boring returns.
		c <- fmt.Sprintf("%s %d", msg, i) // waits until main receives: "Synchronization"
		time.Sleep(pause())               // Changed: the talk's random pause comes from pause.
	}
}

// Going further: "An aside about buffered channels" says that a buffer
// removes the synchronisation. handOff shows it.

// handOff makes a channel with the given capacity and sends n values on it as
// fast as it can, while a receiver takes one value every gap. It returns the
// moments, since the start, at which each send completed.
func handOff(capacity, n int, gap time.Duration) []time.Duration {
	start := time.Now()
	c := make(chan int, capacity)
	// The receiver says when it has taken every value. A buffer on done
	// would change nothing: handOff waits for it in any case.
	done := make(chan bool)
	go func() { // the receiver
		for range n {
			time.Sleep(gap)
			<-c
		}
		done <- true
	}()
	var sent []time.Duration
	for i := range n {
		c <- i // unbuffered, or with a full buffer, this waits for the receiver
		sent = append(sent, time.Since(start))
	}
	<-done // the receiver has taken every value: no goroutine is left behind
	return sent
}
