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

// maxPause is the longest pause Joe or Ann takes: the talk's rand.Intn(1e3)
// milliseconds, divided by ten.
const maxPause = 100 * time.Millisecond

func main() {
	seed := flag.Uint64("seed", 13, "seed for main's counts and the speakers' random pauses")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "main tells Joe to stop: a quit channel, a round trip on it, then a context and Close() error.")
		fmt.Fprintln(os.Stderr, "usage: go run ./08_quit_channel [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := check(flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	show(os.Stdout, *seed)
	ledger(os.Stdout, 100*time.Millisecond)
}

// check returns an error if an argument follows the flags.
func check(args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show is the whole program but its flags: four ways to stop Joe, one after
// the other, each line after the time since the start. Stream 0 of seed is
// main's, for the counts; each speaker pauses by a stream of his own.
func show(w io.Writer, seed uint64) {
	r, s := rand.New(rand.NewPCG(seed, 0)), newStampWriter(w)
	fmt.Fprintln(w, "Quit channel: main listens 1 to 10 times, then sends quit <- true.")
	quitChannel(s, r, randomPauses(seed, 1, maxPause))
	fmt.Fprintln(s, "main: quit <- true returned: Joe took it after his pause, and returns.")
	fmt.Fprintln(w, "\nReceive on quit channel: main sends \"Bye!\" on quit; Joe cleans up, then answers.")
	// Joe cleans up while main waits for his answer: one writer at a time.
	receiveOnQuit(s, r, randomPauses(seed, 2, maxPause), func() { fmt.Fprintln(s, "Joe: (cleaning up)") })
	fmt.Fprintln(w, "\nGoing further, a context: one cancel() stops every speaker sharing it.")
	cancelStopsEveryone(context.Background(), s, randomPauses(seed, 3, maxPause), randomPauses(seed, 4, maxPause))
	fmt.Fprintln(w, "\nGoing further, Close() error: Joe's cleanup fails on purpose, to show that Close() returns its error.")
	closeReturnsTheError(s, randomPauses(seed, 5, maxPause), func() error { return errors.New("could not flush the notes (made up for this demo)") })
}
