// Fan_in merges several channels into one, passing each message on as soon
// as it is ready, so a fast speaker is no longer held back by a slow one.
//
// Slides: "Multiplexing", "Fan-in" (Go Concurrency Patterns, 2012).
//
// In 03_generator main heard Joe, then Ann, then Joe: whoever was ready first
// still had to wait for their turn. fanIn starts one goroutine per input; each
// copies its input into a single output channel. main reads only the output
// and hears whoever is ready. The time on each line shows Joe and Ann speaking
// in the order they are ready, no longer in turn.
//
// Changed from the talk: the talk's fanIn takes exactly two inputs and never
// closes its output, and its producers loop forever. Here fanIn takes any
// number of inputs; the producers send -n messages each and close their
// channels; when every input is closed and drained, fanIn closes its output
// (a sync.WaitGroup counts the forwarding goroutines), so main can range over
// it and no goroutine is left behind. Pauses are a tenth as long (under 100ms).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sync"
	"time"
)

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage already printed
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fan_in:", err)
		os.Exit(2)
	}
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("fan_in", flag.ContinueOnError)
	n := fs.Int("n", 5, "messages each producer sends")
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
	if *seed == 0 {
		*seed = rand.Uint64()
	}
	// Each producer gets its own pause source: a rand.Rand is not safe for
	// concurrent use.
	const maxPause = 100 * time.Millisecond
	conversation(w, *n, randomPauses(*seed, 1, maxPause), randomPauses(*seed, 2, maxPause))
	return nil
}

// conversation is the talk's main for fan-in: Joe and Ann, heard through one
// channel as soon as either is ready. Each line is prefixed with the time
// since start.
func conversation(w io.Writer, n int, joePause, annPause func() time.Duration) {
	start := time.Now()
	c := fanIn(boring("Joe", n, joePause), boring("Ann", n, annPause))
	for s := range c { // ends when fanIn closes c, after both producers are done
		fmt.Fprintf(w, "%4dms %s\n", time.Since(start).Milliseconds(), s)
	}
	fmt.Fprintf(w, "%4dms You're both boring; I'm leaving.\n", time.Since(start).Milliseconds())
}

// fanIn returns a channel that carries every message from every input, each
// passed on as soon as it is ready. Messages from one input keep their order.
// The output closes once every input is closed and drained; the caller must
// receive until then, or the forwarding goroutines wait for it forever.
func fanIn(inputs ...<-chan string) <-chan string {
	c := make(chan string)
	var wg sync.WaitGroup
	for _, input := range inputs {
		wg.Go(func() { // one forwarder per input
			for s := range input { // ends when the input's producer closes it
				c <- s // blocks until the caller receives
			}
		})
	}
	go func() {
		// Only the senders may close c, and only after the last of them is
		// done: the WaitGroup tells us when.
		wg.Wait()
		close(c)
	}()
	return c
}

// boring returns a receive-only channel on which a new goroutine sends n
// numbered messages, pausing before each; then it closes the channel.
func boring(msg string, n int, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		for i := range n {
			time.Sleep(pause())
			c <- fmt.Sprintf("%s %d", msg, i) // blocks until fanIn's forwarder receives
		}
		close(c) // the sender closes: fanIn's forwarder for c ends
	}()
	return c
}

// randomPauses returns a source of random pauses in [0, max), as the talk's
// rand.Intn(1e3) milliseconds but shorter. Sources with the same seed and
// different streams are independent. The source is not safe for concurrent
// use: give each goroutine its own.
func randomPauses(seed, stream uint64, max time.Duration) func() time.Duration {
	r := rand.New(rand.NewPCG(seed, stream))
	return func() time.Duration { return time.Duration(r.Int64N(int64(max))) }
}
