// Generator turns boring into a function that returns a channel: a handle on
// a running service. main listens to two such services in turn, so they count
// in lockstep.
//
// Slides: "Generator: function that returns a channel", "Channels as a handle
// on a service" (Go Concurrency Patterns, 2012).
//
// Channels are first-class values, just like strings or integers: a function
// can return one. boring makes a channel, launches from inside itself the
// goroutine that sends on it, and returns the channel at once. The caller
// holds a receive-only channel (<-chan string), so it can listen but not send.
// (The first slide's main receives five messages from c := boring("boring!");
// the second slide's main, below, does the same with two services.)
//
// With one function we start as many services as we like: Joe and Ann. main
// receives from Joe, then from Ann, so they speak in turn: when Joe is ready
// first he waits, blocked on his send, until main has heard Ann, and only then
// starts his next pause. The time column shows it. Fan-in (04_fan_in) lets
// whoever is ready speak instead.
//
// Changed from the talk:
//   - boring sends n messages instead of looping forever (main hears n each,
//     the talk's five by default), then closes its channel: its goroutine
//     ends, and a caller can range over the channel. As in the talk, a pause
//     follows each message, so the close comes one pause after the last
//     message; the tests wait for it, the program exits without waiting.
//   - boring takes pause, the source of its pauses, so that a test can choose
//     them. The program draws them like the talk, a tenth as long: under 100ms,
//     from its own source for each goroutine.
//   - main writes to w instead of standard output; w (main.go) stamps each
//     line with the time since the start.
package main

import (
	"fmt"
	"io"
	"time"
)

// boring is the talk's generator: a function that returns a channel.
func boring(msg string, n int, pause func() time.Duration) <-chan string { // returns a receive-only channel of strings
	c := make(chan string)
	go func() { // we launch the goroutine from inside the function
		for i := range n { // Changed: n messages instead of forever.
			c <- fmt.Sprintf("%s: %d", msg, i) // "Joe: 0" as in the talk's run; waits for the caller to receive
			time.Sleep(pause())                // Changed: the talk's random pause comes from pause.
		}
		close(c) // Changed: the sender closes c when done, so that a caller's range ends.
	}()
	return c // return the channel to the caller
}

// services is main from "Channels as a handle on a service": two instances of
// the boring service, heard in turn.
func services(w io.Writer, n int, joePause, annPause func() time.Duration) {
	joe := boring("Joe", n, joePause)
	ann := boring("Ann", n, annPause)
	for range n { // Changed: n rounds, the talk's 5 by default.
		fmt.Fprintln(w, <-joe) // waits for Joe, however long Ann has been ready
		fmt.Fprintln(w, <-ann) // waits for Ann, however long Joe has been ready
	}
	fmt.Fprintln(w, "You're both boring; I'm leaving.")
}
