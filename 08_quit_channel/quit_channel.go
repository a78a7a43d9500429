// A quit channel tells a goroutine to stop: first by sending on a quit
// channel, then by a round trip on it, so that the goroutine can clean up and
// say when it is done.
//
// Slides: "Quit channel", "Receive on quit channel" (Go Concurrency Patterns,
// 2012). beyond.go goes further: a context, whose one cancel stops every
// speaker sharing it, and a Close method that hands back the cleanup's error.
//
// Watch the time column where each part ends: main listens 1 to 10 times, as
// in the talk, then tells Joe to stop. Joe pauses before each select, so main's
// send on quit waits out his pause; once it is taken he says nothing more. In
// the round trip main prints Joe's "See you!" only after his cleanup line.
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
	for i := r.IntN(10); i >= 0; i-- { // Changed: r, main's source, is an argument, so a seed chooses the count.
		fmt.Fprintln(w, <-c)
	}
	quit <- true // blocks until Joe takes it; then he returns
}

// boring returns a channel on which a new goroutine sends numbered messages
// until it receives on quit. As in the talk's quit.go (the slide shows only the
// select), Joe pauses before each select, so he hears quit only after his pause.
func boring(msg string, quit <-chan bool, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		for i := 0; ; i++ {
			time.Sleep(pause())
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
	for i := r.IntN(10); i >= 0; i-- { // Changed: r is an argument, as in quitChannel.
		fmt.Fprintln(w, <-c)
	}
	quit <- "Bye!"
	fmt.Fprintf(w, "Joe says: %q\n", <-quit) // waits until Joe's cleanup has finished
}

// boringRoundTrip is the second slide's boring (rcvquit.go): told to quit, it
// cleans up and answers on quit before it returns. It too pauses before each
// select.
//
// Changed: named boringRoundTrip, so that both slides' boring live in one
// package.
func boringRoundTrip(msg string, quit chan string, pause func() time.Duration, cleanup func()) <-chan string {
	c := make(chan string)
	go func() {
		for i := 0; ; i++ {
			time.Sleep(pause())
			select {
			case c <- fmt.Sprintf("%s: %d", msg, i):
				// do nothing
			case <-quit:
				// Changed: cleanup is an argument (the talk's does nothing), so
				// the caller says what cleaning up is.
				cleanup()
				quit <- "See you!" // blocks until main receives the answer
				return
			}
		}
	}()
	return c
}
