// Generator turns boring into a function that returns a channel: a handle on
// a running service. main listens to one such service, then to two in turn,
// so they count in lockstep.
//
// Slides: "Generator: function that returns a channel", "Channels as a handle
// on a service" (Go Concurrency Patterns, 2012).
//
// Channels are first-class values, just like strings or integers: a function
// can return one. boring makes a channel, launches from inside itself the
// goroutine that sends on it, and returns the channel at once. The caller
// holds a receive-only channel (<-chan string), so it can listen but not send.
// generator, the first slide's main, receives five messages from
// c := boring("boring!") and leaves.
//
// With one function we start as many services as we like: Joe and Ann in
// services, the second slide's main. It receives from Joe, then from Ann, so
// they speak in turn: when Joe is ready first he waits, blocked on his send,
// until main has heard Ann, and only then starts his next pause. The time
// column shows it. Fan-in (04_fan_in) lets whoever is ready speak instead.
//
// Changed from the talk:
//   - boring sends n messages instead of looping forever (main hears n from
//     each service, the talk's five by default), then closes its channel: its
//     goroutine ends, and a caller can range over the channel.
//   - boring pauses before each message rather than after it, so it closes its
//     channel as soon as main has taken its last message: nothing is left
//     sleeping when main leaves.
//   - One boring serves both slides, so both format "%s: %d": where the
//     talk's first slide prints "boring! 0" ("%s %d"), the first part here
//     prints "boring!: 0".
//   - boring takes pause, the source of its pauses, so that a test can choose
//     them. The program draws them like the talk, a tenth as long: under 100ms,
//     from its own source for each goroutine.
//   - main writes to w instead of standard output; w (main.go) stamps each
//     line with the time since the start of its part.
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
	for range n {                    // Changed: n receives, the talk's 5 by default.
		fmt.Fprintf(w, "You say: %q\n", <-c)
	}
	fmt.Fprintln(w, "You're boring; I'm leaving.")
}

// boring is the talk's generator: a function that returns a channel.
func boring(msg string, n int, pause func() time.Duration) <-chan string { // returns a receive-only channel of strings
	c := make(chan string)
	go func() { // we launch the goroutine from inside the function
		for i := range n { // Changed: n messages instead of forever.
			// Changed: the pause comes before the message (see the doc
			// comment), and comes from pause.
			time.Sleep(pause())
			// Changed: the second slide's "%s: %d" for both slides (the first
			// slide's boring formats "%s %d"). The send waits for the caller
			// to receive.
			c <- fmt.Sprintf("%s: %d", msg, i)
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
