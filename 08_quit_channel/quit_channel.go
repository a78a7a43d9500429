// Quit_channel tells a goroutine to stop: a quit channel, then a round trip
// on it so the goroutine can clean up and answer, then where the idea went
// next: context.Context and a Close method that returns the cleanup's error.
//
// Slides: "Quit channel", "Receive on quit channel" (Go Concurrency Patterns,
// 2012).
//
// Quit channel: boring selects between sending its next message and
// receiving on quit; main listens a random number of times (1 to 10, as in
// the talk), then sends on quit and boring returns.
//
// Receive on quit channel: main must not leave before boring has cleaned up.
// So quit carries strings both ways: main sends "Bye!", boring runs its
// cleanup and answers "See you!" on the same channel, and main waits for the
// answer. Once main has it, the cleanup has finished.
//
// Where it went next, each in a short function with its own test:
//   - boringContext stops when ctx.Done() is closed. Closing a channel wakes
//     every receiver at once, so one cancel stops every speaker sharing the
//     context, where a send on a quit channel stops only one.
//   - Speaker.Close sends a reply channel on the quit channel (a chan chan
//     error) and returns what the cleanup reports on it: the idiom of Sameer
//     Ajmani's "Advanced Go Concurrency Patterns" (2013).
//
// Changed from the talk: boring also listens for quit during its pause, so it
// stops at once instead of finishing the pause. Pauses are under 50ms, a
// twentieth of the talk's, so that the four parts together end within 2
// seconds.
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
		fmt.Fprintln(os.Stderr, "quit_channel:", err)
		os.Exit(2)
	}
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("quit_channel", flag.ContinueOnError)
	seed := fs.Uint64("seed", 0, "seed for the random pauses and counts (0: different every run)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *seed == 0 {
		*seed = rand.Uint64()
	}
	// Each goroutine gets its own pause source: a rand.Rand is not safe for
	// concurrent use. Stream 0 is main's, for the counts.
	const maxPause = 50 * time.Millisecond
	r := rand.New(rand.NewPCG(*seed, 0))

	// "Quit channel"
	fmt.Fprintln(w, "Quit channel: main listens a few times, then sends on quit.")
	quit := make(chan bool)
	c := boring("Joe", quit, randomPauses(*seed, 1, maxPause))
	for range 1 + r.IntN(10) {
		fmt.Fprintln(w, <-c)
	}
	quit <- true // received by boring, which returns: it sends nothing more
	fmt.Fprintln(w, "main: quit <- true")

	// "Receive on quit channel"
	fmt.Fprintln(w, "\nReceive on quit channel: Joe cleans up, then answers.")
	bye := make(chan string)
	c = boringRoundTrip("Joe", bye, randomPauses(*seed, 2, maxPause), func() {
		fmt.Fprintln(w, "Joe: cleaning up") // main is blocked on <-bye meanwhile, so only one goroutine writes to w
	})
	for range 1 + r.IntN(10) {
		fmt.Fprintln(w, <-c)
	}
	bye <- "Bye!"
	fmt.Fprintf(w, "Joe says: %q\n", <-bye) // waits until the cleanup has finished

	// context.Context
	fmt.Fprintln(w, "\nContext: one cancel stops every speaker sharing the context.")
	ctx, cancel := context.WithCancel(context.Background())
	joe := boringContext(ctx, "Joe", randomPauses(*seed, 3, maxPause))
	ann := boringContext(ctx, "Ann", randomPauses(*seed, 4, maxPause))
	for range 2 {
		fmt.Fprintln(w, <-joe)
		fmt.Fprintln(w, <-ann)
	}
	cancel()
	for range joe { // each speaker closes its channel when it stops
	}
	for range ann {
	}
	fmt.Fprintln(w, "main: cancel(); Joe and Ann have both stopped and closed their channels")

	// Close() error
	fmt.Fprintln(w, "\nClose() error: the cleanup's error comes back to the caller.")
	s := newSpeaker("Joe", randomPauses(*seed, 5, maxPause), func() error {
		return errors.New("could not flush the notes") // a cleanup that fails, to show where its error goes
	})
	for range 2 {
		fmt.Fprintln(w, <-s.C)
	}
	fmt.Fprintf(w, "main: Close() returned %q\n", s.Close())
	return nil
}

// speak sends numbered messages on c, pausing before each, until a value
// arrives on quit; it returns that value. It is the for-select loop shared by
// every speaker below: each chooses what its quit channel carries and what to
// do once told to stop.
func speak[Q any](c chan<- string, msg string, pause func() time.Duration, quit <-chan Q) Q {
	for i := 0; ; i++ {
		select {
		case <-time.After(pause()):
		case q := <-quit: // told to stop mid-pause: stop now
			return q
		}
		select {
		case c <- fmt.Sprintf("%s: %d", msg, i):
			// do nothing
		case q := <-quit:
			return q
		}
	}
}

// boring is the talk's "Quit channel": it speaks until main sends on quit.
func boring(msg string, quit <-chan bool, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		speak(c, msg, pause, quit)
	}()
	return c
}

// boringRoundTrip is the talk's "Receive on quit channel": told "Bye!" on
// quit, it cleans up and answers on quit before it returns.
func boringRoundTrip(msg string, quit chan string, pause func() time.Duration, cleanup func()) <-chan string {
	c := make(chan string)
	go func() {
		speak(c, msg, pause, quit)
		cleanup()
		quit <- "See you!" // blocks until main receives the answer
	}()
	return c
}

// boringContext speaks until ctx is done, then closes its channel.
// ctx.Done() is a quit channel that cancel closes instead of sending on, so
// every goroutine receiving from it wakes at once.
func boringContext(ctx context.Context, msg string, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		defer close(c) // the sender closes: a receiver's range ends
		speak(c, msg, pause, ctx.Done())
	}()
	return c
}

// A Speaker says numbered messages on C until Close is called.
type Speaker struct {
	C    <-chan string
	quit chan chan error
}

// newSpeaker starts a Speaker whose cleanup runs when it is closed.
func newSpeaker(msg string, pause func() time.Duration, cleanup func() error) *Speaker {
	c := make(chan string)
	s := &Speaker{C: c, quit: make(chan chan error)}
	go func() {
		errc := speak(c, msg, pause, s.quit)
		errc <- cleanup() // the reply channel has room, so this never blocks
	}()
	return s
}

// Close stops the speaker and returns its cleanup's error. It must be called
// once.
func (s *Speaker) Close() error {
	errc := make(chan error, 1) // room for the answer: the speaker never waits on us
	s.quit <- errc              // blocks until the speaker takes the request
	return <-errc               // blocks until its cleanup has finished
}

// randomPauses returns a source of random pauses in [0, max). Sources with
// the same seed and different streams are independent. The source is not safe
// for concurrent use: give each goroutine its own.
func randomPauses(seed, stream uint64, max time.Duration) func() time.Duration {
	r := rand.New(rand.NewPCG(seed, stream))
	return func() time.Duration { return time.Duration(r.Int64N(int64(max))) }
}
