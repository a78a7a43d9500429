// Goroutines starts the talk's boring function with the go statement and
// listens to it for a while before leaving.
//
// Slides: "A boring function", "Slightly less boring", "Running it",
// "Ignoring it", "Ignoring it a little less", "Goroutines" (Go Concurrency
// Patterns, 2012).
//
// Watch the order: boring talks while main listens, before main says "You're
// boring; I'm leaving.", so both run at once. By default boring never stops,
// and main returns with it still talking: the program's exit takes it down,
// which is the lesson. In every other program of the collection, no goroutine
// is left sleeping or blocked when main returns; 08_quit_channel shows how to
// tell one to stop. With -listen 0 ("Ignoring it") main returns at once and
// boring hardly ever gets a word in.
package main

import (
	"fmt"
	"io"
	"time"
)

// boring is the talk's boring function ("Slightly less boring"): it says msg
// with a counter, then pauses. Called plainly, as in "Running it", it makes
// its caller wait until it is done: with the talk's endless loop, forever.
func boring(w io.Writer, msg string, n int, pause func() time.Duration) {
	for i := 0; n < 0 || i < n; i++ { // Changed: stops after n messages (n < 0: never, as the talk's loop), so a caller can let it end.
		fmt.Fprintln(w, msg, i)
		time.Sleep(pause()) // Changed: the pause comes from pause, so a caller chooses the pauses.
	}
}

// ignoringIt is main from "Ignoring it": the go statement starts boring in a
// goroutine and does not make main wait, so main returns at once. A goroutine
// ("Goroutines") is an independently executing function with its own call
// stack, which grows and shrinks as required; goroutines are cheap, and the
// runtime multiplexes them onto threads as needed.
func ignoringIt(w io.Writer, n int, pause func() time.Duration) {
	go boring(w, "boring!", n, pause)
}

// ignoringItALittleLess is main from "Ignoring it a little less": main and
// boring both run while main listens; then main leaves with boring still
// talking.
func ignoringItALittleLess(w io.Writer, listen time.Duration, n int, pause func() time.Duration) {
	go boring(w, "boring!", n, pause)
	fmt.Fprintln(w, "I'm listening.")
	time.Sleep(listen) // Changed: listen, 200ms by default (the talk's 2s over ten), so a caller chooses it.
	fmt.Fprintln(w, "You're boring; I'm leaving.")
}
