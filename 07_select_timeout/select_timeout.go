// Select_timeout stops listening when a speaker is too slow: once with a
// timeout for each message, once with a timeout for the whole conversation.
//
// Slides: "Timeout using select", "Timeout for whole conversation using
// select" (Go Concurrency Patterns, 2012).
//
// time.After returns a channel that delivers the time once, after the given
// duration. Put it in a select beside the message channel and whichever comes
// first wins. Created inside the loop, it bounds each message: "You're too
// slow." as soon as one message takes longer than -timeout. Created once
// before the loop, it bounds the whole conversation: "You talk too much." at
// -total, however fast the messages come. -mode picks one; by default the
// program shows both. The time on each line shows the timeout firing.
//
// Changed from the talk: boring stops when main is done listening (a
// context, the modern form of 08_quit_channel's quit channel); in the talk it
// is left blocked on its send forever. The per-message part listens to at
// most -n messages so that it always ends quickly. Durations are a tenth of
// the talk's: pauses under 150ms against a 100ms timeout, pauses under 100ms
// against a 500ms conversation.
package main

import (
	"context"
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
		fmt.Fprintln(os.Stderr, "select_timeout:", err)
		os.Exit(2)
	}
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("select_timeout", flag.ContinueOnError)
	mode := fs.String("mode", "both", "which timeout to show: message, conversation or both")
	timeout := fs.Duration("timeout", 100*time.Millisecond, "longest wait for any one message (mode message)")
	total := fs.Duration("total", 500*time.Millisecond, "longest wait for the whole conversation (mode conversation)")
	n := fs.Int("n", 10, "most messages to listen to (mode message)")
	seed := fs.Uint64("seed", 0, "seed for the random pauses (0: different every run)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *mode != "both" && *mode != "message" && *mode != "conversation":
		return fmt.Errorf("-mode must be message, conversation or both, got %q", *mode)
	case *timeout <= 0:
		return fmt.Errorf("-timeout must be positive, got %v", *timeout)
	case *total <= 0:
		return fmt.Errorf("-total must be positive, got %v", *total)
	case *n < 0:
		return fmt.Errorf("-n must be at least 0, got %d", *n)
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *seed == 0 {
		*seed = rand.Uint64()
	}

	if *mode != "conversation" {
		fmt.Fprintf(w, "Timeout for each message: %dms (pauses under 150ms).\n", timeout.Milliseconds())
		timeoutEachMessage(w, *timeout, *n, randomPauses(*seed, 1, 150*time.Millisecond))
	}
	if *mode == "both" {
		fmt.Fprintln(w)
	}
	if *mode != "message" {
		fmt.Fprintf(w, "Timeout for the whole conversation: %dms (pauses under 100ms).\n", total.Milliseconds())
		timeoutWholeConversation(w, *total, randomPauses(*seed, 2, 100*time.Millisecond))
	}
	return nil
}

// timeoutEachMessage listens to Joe, at most n messages, and gives up as soon
// as one message takes longer than timeout.
func timeoutEachMessage(w io.Writer, timeout time.Duration, n int, pause func() time.Duration) {
	say := stamper(w)
	ctx, stop := context.WithCancel(context.Background())
	defer stop() // tells boring to stop once we are done listening
	c := boring(ctx, "Joe", pause)
	for range n {
		// A new timer for each message. Since Go 1.23 a timer nobody refers
		// to any more is collected even if it never fired or was stopped, so
		// time.After in a loop costs one small allocation per message and
		// nothing more. Before 1.23 each one lived until it fired, so a fast
		// loop piled them up. Use time.NewTimer and Reset instead when the
		// loop is hot enough that the allocation matters, or when you must
		// Stop a timer to cancel what it would trigger.
		select {
		case s := <-c:
			say(s)
		case <-time.After(timeout):
			say("You're too slow.")
			return
		}
	}
	say("You're boring; I'm leaving.")
}

// timeoutWholeConversation listens to Joe until total has passed since it
// started, however quickly he speaks.
func timeoutWholeConversation(w io.Writer, total time.Duration, pause func() time.Duration) {
	say := stamper(w)
	ctx, stop := context.WithCancel(context.Background())
	defer stop() // tells boring to stop once we are done listening
	c := boring(ctx, "Joe", pause)
	timeout := time.After(total) // one timer, made once, for the whole loop
	for {
		select {
		case s := <-c:
			say(s)
		case <-timeout:
			say("You talk too much.")
			return
		}
	}
}

// boring returns a channel on which a new goroutine sends numbered messages,
// pausing before each, until ctx is done.
func boring(ctx context.Context, msg string, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-time.After(pause()):
			case <-ctx.Done():
				return
			}
			select {
			case c <- fmt.Sprintf("%s %d", msg, i): // blocks until main receives...
			case <-ctx.Done(): // ...or main has stopped listening
				return
			}
		}
	}()
	return c
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
// rand.Intn milliseconds but shorter. Sources with the same seed and
// different streams are independent. The source is not safe for concurrent
// use: give each goroutine its own.
func randomPauses(seed, stream uint64, max time.Duration) func() time.Duration {
	r := rand.New(rand.NewPCG(seed, stream))
	return func() time.Duration { return time.Duration(r.Int64N(int64(max))) }
}
