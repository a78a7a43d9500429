package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// maxPause is the longest pause Joe takes: the talk's rand.Intn(1500)
// milliseconds, divided by ten.
const maxPause = 150 * time.Millisecond

func main() {
	seed := flag.Uint64("seed", 173, "seed for Joe's random pauses")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "main stops listening to Joe after 100ms for one message, then after 500ms in all.")
		fmt.Fprintln(os.Stderr, "usage: go run ./07_select_timeout [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := check(flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	// Each Joe has at most 10 messages: a run, which lasts until both Joes have made all
	// their pauses, stays under 2s but once in 40 million; the second Joe runs out before
	// 500ms once in 28.
	show(os.Stdout, 10, *seed)
	ledger(os.Stdout, 100*time.Millisecond)
}

// check returns an error if an argument follows the flags.
func check(args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show is the whole program but its flags: the two slides' mains, one after
// the other, each Joe with pauses drawn from his own stream of seed; then it
// waits until both Joes have said their last message to their drains.
func show(w io.Writer, n int, seed uint64) {
	var drains sync.WaitGroup // each drain runs while main goes on; main waits for them all at the end
	fmt.Fprintln(w, "Timeout using select: 100ms for each message (Joe pauses up to 150ms after each).")
	timeoutEachMessage(newStampWriter(w), n, randomPauses(seed, 1, maxPause), &drains)
	fmt.Fprintln(w, "Timeout for whole conversation using select: 500ms in all.")
	timeoutWholeConversation(newStampWriter(w), n, randomPauses(seed, 2, maxPause), &drains)
	drains.Wait()
}
