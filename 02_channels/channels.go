// Channels connects main and a boring goroutine with a channel, then shows
// that an unbuffered channel synchronises its two ends and a buffer does not.
//
// Slides: "Communication", "Channels", "Using channels", "Synchronization",
// "An aside about buffered channels", "The Go approach" (Go Concurrency
// Patterns, 2012).
//
// A channel is declared and made like this:
//
//	var c chan string
//	c = make(chan string)
//	c <- "hi"  // send
//	s := <-c   // receive
//
// boring sends its messages on c and main prints what it receives. On an
// unbuffered channel a send and a receive wait for each other, so the two
// goroutines meet at every message: the channel communicates and
// synchronises. A buffer of size k lets k sends complete with nobody
// receiving, which removes that meeting. The second half of the output shows
// the moment each send completed, with and without a buffer.
//
// Don't communicate by sharing memory, share memory by communicating.
//
// Changed from the talk: boring sends -n messages instead of looping forever,
// and it pauses before each message rather than after, so it returns as soon
// as main has received the last one. Pauses are a tenth as long (under 100ms).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"
)

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage already printed
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "channels:", err)
		os.Exit(2)
	}
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("channels", flag.ContinueOnError)
	n := fs.Int("n", 5, "messages boring sends")
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

	// "Using channels": the channel connects main and boring.
	c := make(chan string)
	go boring("boring!", c, *n, randomPauses(*seed, 100*time.Millisecond))
	for range *n {
		fmt.Fprintf(w, "You say: %q\n", <-c) // waits for boring's next send
	}
	fmt.Fprintln(w, "You're boring; I'm leaving.")

	// "Synchronization" and "An aside about buffered channels".
	const values, gap = 3, 30 * time.Millisecond
	fmt.Fprintf(w, "\nA sender sends %d values as fast as it can; main receives one every %dms.\n", values, gap.Milliseconds())
	for _, capacity := range []int{0, 1, values} {
		label := fmt.Sprintf("buffer %d:", capacity)
		if capacity == 0 {
			label = "unbuffered:"
		}
		sent, _ := handOff(capacity, values, gap)
		fmt.Fprintf(w, "  %-11s sends completed at %s\n", label, millis(sent))
	}
	fmt.Fprintln(w, "Unbuffered, each send waits for its receive; a buffer of k lets k sends go ahead.")
	return nil
}

// boring sends n numbered messages on c, pausing before each one.
func boring(msg string, c chan<- string, n int, pause func() time.Duration) {
	for i := range n {
		time.Sleep(pause())
		c <- fmt.Sprintf("%s %d", msg, i) // blocks until main receives
	}
}

// handOff makes a channel with the given capacity and starts a sender that
// sends n values on it back to back, while the caller receives one value every
// gap. It returns when each send completed and when each value was received,
// measured from the start.
func handOff(capacity, n int, gap time.Duration) (sent, received []time.Duration) {
	start := time.Now()
	c := make(chan int, capacity)
	go func() {
		for i := range n {
			c <- i // with the buffer full, or no buffer, this waits for a receive
			sent = append(sent, time.Since(start))
		}
		close(c) // the sender closes: the receiver's range below ends
	}()
	for {
		time.Sleep(gap)
		if _, ok := <-c; !ok {
			// The close happened after the sender's last append, so sent is
			// safe to read now.
			return sent, received
		}
		received = append(received, time.Since(start))
	}
}

// millis formats durations as whole milliseconds: "0ms 30ms 60ms".
func millis(ds []time.Duration) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = fmt.Sprintf("%dms", d.Milliseconds())
	}
	return strings.Join(s, " ")
}

// randomPauses returns a source of random pauses in [0, max), as the talk's
// rand.Intn(1e3) milliseconds but shorter. Seed 0 picks a random seed.
// The source is not safe for concurrent use: give each goroutine its own.
func randomPauses(seed uint64, max time.Duration) func() time.Duration {
	if seed == 0 {
		seed = rand.Uint64()
	}
	r := rand.New(rand.NewPCG(seed, 0))
	return func() time.Duration { return time.Duration(r.Int64N(int64(max))) }
}
