package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

const maxPause = 100 * time.Millisecond // the longest pause: the talk's rand.Intn(1e3) ms over ten

func main() {
	n := flag.Int("n", 5, "messages main hears from each service (0 to 1000)")
	seed := flag.Uint64("seed", 24, "seed for the services' random pauses")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "boring returns a channel; main hears one such service, then Joe's and Ann's in lockstep.")
		fmt.Fprintln(os.Stderr, "usage: go run ./03_generator [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := check(*n, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	show(os.Stdout, *n, *seed)
	ledger(os.Stdout, 100*time.Millisecond)
}

// check returns an error unless n is in range and no argument follows the flags.
func check(n int, args []string) error {
	if n < 0 || n > 1000 {
		return fmt.Errorf("-n must be between 0 and 1000, got %d", n)
	}
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show is the whole program but its flags: one boring service heard n times,
// then Joe and Ann heard in turn, each pausing as its own stream of seed
// draws; each part has its own time column.
func show(w io.Writer, n int, seed uint64) {
	fmt.Fprintf(w, "boring returns a channel; main hears %d messages on it, then leaves:\n", n)
	generator(newStampWriter(w), n, randomPauses(seed, 1, maxPause))
	fmt.Fprintf(w, "\nJoe and Ann are two boring services; main hears Joe, then Ann, %d times:\n", n)
	services(newStampWriter(w), n, randomPauses(seed, 2, maxPause), randomPauses(seed, 3, maxPause))
}
