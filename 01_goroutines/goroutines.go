// Goroutines starts the talk's boring function with the go statement and
// listens to it for a while before leaving.
//
// Slides: "A boring function", "Slightly less boring", "Running it",
// "Ignoring it", "Ignoring it a little less", "Goroutines" (Go Concurrency
// Patterns, 2012).
//
// boring says "boring! 0", "boring! 1", ... with a random pause after each
// message, forever: called plainly, as in "Running it", it would never return.
// The go statement starts it in a goroutine, an independently executing
// function with its own small, growable stack, and does not make the caller
// wait. Goroutines are very cheap (not threads: the runtime multiplexes them
// onto a few threads), so a program may have hundreds of thousands. In
// "Ignoring it" (-listen 0) main returns at once, the program exits, and
// boring hardly gets a word in. In "Ignoring it a little less" main says
// "I'm listening.", sleeps while boring talks (the time column shows both
// running at once) and leaves.
//
// This is the one program in the collection that leaves a goroutine running
// when main returns: that the program's exit takes boring down with it is the
// lesson. 08_quit_channel shows how to tell a goroutine to stop.
//
// Changed from the talk:
//   - boring takes n, the number of messages to say (n < 0: forever, like the
//     talk's loop), so that a test can let it finish in virtual time before
//     the test ends.
//   - boring takes pause, the source of its pauses, so that a test can choose
//     them. The program draws them like the talk, a tenth as long: under
//     100ms, and main listens for 200ms instead of 2s.
//   - boring and main write to w instead of standard output; w (main.go)
//     stamps each line with the time since the start and is safe for both.
package main

import (
	"fmt"
	"io"
	"time"
)

// boring is the talk's boring function ("Slightly less boring"): it says msg
// with a counter, then pauses.
func boring(w io.Writer, msg string, n int, pause func() time.Duration) {
	for i := 0; n < 0 || i < n; i++ { // Changed: stops after n messages; n < 0 runs forever.
		fmt.Fprintln(w, msg, i)
		time.Sleep(pause()) // Changed: the talk's random pause comes from pause.
	}
}

// ignoringIt is main from "Ignoring it": the go statement starts boring and
// does not wait for it, so main returns at once and the program exits.
func ignoringIt(w io.Writer, n int, pause func() time.Duration) {
	go boring(w, "boring!", n, pause)
}

// ignoringItALittleLess is main from "Ignoring it a little less": main and
// boring both run while main listens; then main leaves, with boring still
// talking.
func ignoringItALittleLess(w io.Writer, listen time.Duration, n int, pause func() time.Duration) {
	go boring(w, "boring!", n, pause)
	fmt.Fprintln(w, "I'm listening.")
	time.Sleep(listen)
	fmt.Fprintln(w, "You're boring; I'm leaving.")
}
