// Generator turns boring into a function that returns a channel: a handle on
// a running service. main listens to one such service, then to two in turn,
// so they count in lockstep.
//
// Slides: "Generator: function that returns a channel", "Channels as a handle
// on a service" (Go Concurrency Patterns, 2012).
//
// The talk has two versions of boring: the first slide's says "boring! 0";
// the second slide shows only main, and the boring its program runs says
// "Joe: 0". Here they are boring and boring2. Watch the time column in the
// second part: Joe and Ann take turns, so whoever is ready first waits on
// its send until main has heard the other. 04_fan_in lets whoever is ready
// speak.
package main

import (
	"fmt"
	"io"
	"time"
)

// generator is main from "Generator: function that returns a channel": one
// boring service, heard n times.
func generator(w io.Writer, n int, pause func() time.Duration) {
	c := boring("boring!", n, pause) // a function returning a channel
	for range n {                    // n: as many as boring sends
		fmt.Fprintf(w, "You say: %q\n", <-c)
	}
	fmt.Fprintln(w, "You're boring; I'm leaving.")
}

// boring is the generator of the slide "Generator: function that returns a
// channel": it makes a channel, starts the goroutine that sends on it, and
// returns the channel at once. Channels are first-class values, just like
// strings or integers.
func boring(msg string, n int, pause func() time.Duration) <-chan string { // returns a receive-only channel of strings
	c := make(chan string)
	go func() { // the goroutine is launched from inside the function
		for i := range n { // n: as many as main hears
			// Changed: the pause comes before the send, not after, so the
			// goroutine ends as soon as main takes the last message, with no
			// pause left to sleep after main has gone.
			time.Sleep(pause())
			c <- fmt.Sprintf("%s %d", msg, i) // waits for the caller to receive
		}
		// Changed: the sender closes c as its goroutine ends, so a caller that
		// ranged over c would stop; 03's main receives exactly n and never does.
		close(c)
	}()
	return c // the channel goes back to the caller
}

// services is main from "Channels as a handle on a service": two instances of
// the boring service, heard in turn.
func services(w io.Writer, n int, joePause, annPause func() time.Duration) {
	joe := boring2("Joe", n, joePause)
	ann := boring2("Ann", n, annPause)
	for range n { // n: as many as each sends
		fmt.Fprintln(w, <-joe) // waits for Joe, however long Ann has been ready
		fmt.Fprintln(w, <-ann) // waits for Ann, however long Joe has been ready
	}
	fmt.Fprintln(w, "You're both boring; I'm leaving.")
}

// boring2 is the boring that the program of "Channels as a handle on a
// service" runs (the talk's support file generator2boring.go; the slide shows
// only main): boring with "%s: %d" for "%s %d".
//
// Changed: named boring2 so that both live in one program, and changed as
// boring is (the pause before the send, close(c) at the end).
func boring2(msg string, n int, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		for i := range n {
			time.Sleep(pause())
			c <- fmt.Sprintf("%s: %d", msg, i)
		}
		close(c)
	}()
	return c
}
