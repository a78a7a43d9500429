// Generator turns boring into a function that returns a channel: a handle on
// a running service.
//
// Slides: "Generator: function that returns a channel", "Channels as a handle
// on a service" (Go Concurrency Patterns, 2012).
//
// boring makes a channel, starts a goroutine that sends on it, and returns the
// channel at once. The caller holds a receive-only channel (<-chan string), so
// the compiler stops it from sending on it; it can only listen. With one
// function we can start as many services as we like: here Joe and Ann. main
// receives from Joe, then from Ann, so they speak in lockstep: a fast Joe waits,
// blocked on his send, until main has heard Ann. The time on each line shows it.
// Fan-in (04_fan_in) removes that lockstep.
//
// Changed from the talk: boring sends -n messages and then closes its channel,
// so its goroutine ends and a caller can range over the channel. It pauses
// before each message rather than after, so the channel closes as soon as the
// last message is taken. Pauses are a tenth as long (under 100ms).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"
)

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage already printed
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "generator:", err)
		os.Exit(2)
	}
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("generator", flag.ContinueOnError)
	n := fs.Int("n", 5, "messages each service sends")
	seed := fs.Uint64("seed", 0, "seed for the random pauses (0: different every run)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 0 {
		return fmt.Errorf("-n must be at least 0, got %d", *n)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	const maxPause = 100 * time.Millisecond
	if *seed == 0 {
		*seed = rand.Uint64()
	}
	// Each generator gets its own pause source: a rand.Rand is not safe for
	// concurrent use.
	fmt.Fprintln(w, "One service: boring returns a channel and main ranges over it.")
	generator(w, *n, randomPauses(*seed, 0, maxPause))
	fmt.Fprintln(w, "\nTwo services, heard in turn: Joe, then Ann, then Joe...")
	services(w, *n, randomPauses(*seed, 1, maxPause), randomPauses(*seed, 2, maxPause))
	return nil
}

// generator is the talk's first main: one service, listened to with range.
func generator(w io.Writer, n int, pause func() time.Duration) {
	say := stamper(w)
	c := boring("boring!", n, pause)
	for s := range c { // ends when boring closes c
		say(fmt.Sprintf("You say: %q", s))
	}
	say("You're boring; I'm leaving.")
}

// services is the talk's second main: two services, heard in turn.
func services(w io.Writer, n int, joePause, annPause func() time.Duration) {
	say := stamper(w)
	joe := boring("Joe", n, joePause)
	ann := boring("Ann", n, annPause)
	// joe <- "hi" would not compile: boring returns a receive-only channel.
	for range n {
		say(<-joe) // waits for Joe, however long Ann has been ready
		say(<-ann) // waits for Ann, however long Joe has been ready
	}
	// Each service sent exactly n messages, so both goroutines have ended or
	// are closing their channels; nothing is left waiting on us.
	say("You're both boring; I'm leaving.")
}

// boring returns a receive-only channel on which a new goroutine sends n
// numbered messages, pausing before each; then it closes the channel.
func boring(msg string, n int, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		for i := range n {
			time.Sleep(pause())
			c <- fmt.Sprintf("%s %d", msg, i) // blocks until the caller receives
		}
		close(c) // the sender closes: the caller's range ends
	}()
	return c // return the channel to the caller at once
}

// stamper returns a function that writes a line to w prefixed with the time
// since stamper was called, in milliseconds.
func stamper(w io.Writer) func(string) {
	start := time.Now()
	return func(s string) {
		fmt.Fprintf(w, "%4dms %s\n", time.Since(start).Milliseconds(), s)
	}
}

// randomPauses returns a source of random pauses in [0, max), as the talk's
// rand.Intn(1e3) milliseconds but shorter. Sources with the same seed and
// different streams are independent. The source is not safe for concurrent
// use: give each goroutine its own.
func randomPauses(seed, stream uint64, max time.Duration) func() time.Duration {
	r := rand.New(rand.NewPCG(seed, stream))
	return func() time.Duration { return time.Duration(r.Int64N(int64(max))) }
}
