// Goroutines starts the talk's boring function with the go statement and
// listens to it for a while before leaving.
//
// Slides: "A boring function", "Slightly less boring", "Running it",
// "Ignoring it", "Ignoring it a little less", "Goroutines" (Go Concurrency
// Patterns, 2012).
//
// Watch the order: boring talks while main listens, before main says "You're
// boring; I'm leaving.", so both run at once. boring would talk for about
// 50s, far longer than main listens: the program's last line counts it, still
// sleeping in boring, and main's return then ends it, which is the lesson.
// Every other program of the collection ends with "goroutines still running:
// 0"; 08_quit_channel shows how to tell a goroutine to stop. With -listen 0s
// ("Ignoring it") main returns at once, and the closing count finds boring
// before or just after its first word.
package main

import (
	"fmt"
	"io"
	"time"
)

// boring is the talk's boring function ("Slightly less boring"): it says msg
// with a counter, then pauses. Called plainly, as in "Running it", it makes
// its caller wait until it is done.
func boring(w io.Writer, msg string, n int, pause func() time.Duration) {
	for i := range n {
		fmt.Fprintln(w, msg, i)
		time.Sleep(pause())
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
	time.Sleep(listen) // Changed: listen, the talk's 2s (over ten) by default, so a caller chooses how long main listens.
	fmt.Fprintln(w, "You're boring; I'm leaving.")
}
