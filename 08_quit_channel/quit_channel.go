// Quit_channel tells a goroutine to stop: first with a quit channel, then
// with a round trip on it, so that the goroutine can clean up and say when
// it is done.
//
// Slides: "Quit channel", "Receive on quit channel" (Go Concurrency Patterns,
// 2012).
//
// Quit channel: boring selects between sending its next message and receiving
// on quit. main listens to a random number of messages (1 to 10, as in the
// talk), then sends on quit; boring takes it and returns. Whoever is ready
// first wins the select, so a Joe blocked on a send that nobody will receive
// still hears quit.
//
// Receive on quit channel: main must not leave before boring has cleaned up.
// So quit carries strings both ways: main sends "Bye!", boring runs its
// cleanup and answers "See you!" on the same channel, and main waits for the
// answer. Once main has it, the cleanup has finished.
//
// Both channels are unbuffered: each message waits for main to take it, so
// once main sends on quit, Joe has nothing more to give.
//
// beyond.go shows where the pattern led: a context, whose one cancel stops
// every speaker sharing it, and a Close method that hands back the cleanup's
// error through a chan chan error.
//
// Changed from the talk:
//   - The slide's two mains are functions here, with main's random source r
//     as an argument, and boring takes its pause source as an argument: so
//     that a test can choose the count and the pauses.
//   - The round trip's cleanup is an argument, so that a test can watch it
//     run (the talk's does nothing).
//   - Pauses are under 50ms, a twentieth of the talk's 1s rather than the
//     collection's usual tenth: boring sleeps before it looks at quit, so
//     each quit part takes up to 11 pauses (10 messages, then the pause
//     before quit is heard). With 50ms the four parts end in under 1.5s.
package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// quitChannel is the slide "Quit channel"'s main: listen to Joe a random
// number of times, then tell him to quit.
func quitChannel(w io.Writer, r *rand.Rand, pause func() time.Duration) {
	quit := make(chan bool)
	c := boring("Joe", quit, pause)
	for i := r.IntN(10); i >= 0; i-- { // Changed: r, main's seeded source, is an argument.
		fmt.Fprintln(w, <-c)
	}
	quit <- true // blocks until Joe takes it; then he returns
}

// boring returns a channel on which a new goroutine sends numbered messages,
// pausing before each, until it receives on quit.
func boring(msg string, quit <-chan bool, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		for i := 0; ; i++ {
			time.Sleep(pause()) // Changed: pause is an argument, so that a test can choose it.
			select {
			case c <- fmt.Sprintf("%s: %d", msg, i):
				// do nothing
			case <-quit:
				return
			}
		}
	}()
	return c
}

// receiveOnQuit is the slide "Receive on quit channel"'s main: listen to
// Joe a random number of times, say goodbye, and wait for his answer.
func receiveOnQuit(w io.Writer, r *rand.Rand, pause func() time.Duration, cleanup func()) {
	quit := make(chan string)
	c := boringRoundTrip("Joe", quit, pause, cleanup)
	for i := r.IntN(10); i >= 0; i-- { // Changed: r is an argument, as above.
		fmt.Fprintln(w, <-c)
	}
	quit <- "Bye!"
	fmt.Fprintf(w, "Joe says: %q\n", <-quit) // waits until Joe's cleanup has finished
}

// boringRoundTrip is the slide's second boring: told to quit, it cleans up
// and answers on quit before it returns.
func boringRoundTrip(msg string, quit chan string, pause func() time.Duration, cleanup func()) <-chan string {
	c := make(chan string)
	go func() {
		for i := 0; ; i++ {
			time.Sleep(pause()) // Changed: likewise.
			select {
			case c <- fmt.Sprintf("%s: %d", msg, i):
				// do nothing
			case <-quit:
				// Changed: cleanup is an argument, so that a test can watch it run.
				cleanup()
				quit <- "See you!" // blocks until main receives the answer
				return
			}
		}
	}()
	return c
}
