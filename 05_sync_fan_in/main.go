package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// maxPause is the longest pause a speaker takes: the talk's rand.Intn(2e3)
// milliseconds, divided by ten.
const maxPause = 200 * time.Millisecond

func main() {
	n := flag.Int("n", 5, "rounds: messages each speaker sends (0 to 1000)")
	seed := flag.Uint64("seed", 15, "seed for the speakers' random pauses")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "Joe and Ann speak through one channel, in rounds: each waits for main's go-ahead.")
		fmt.Fprintln(os.Stderr, "usage: go run ./05_sync_fan_in [flags]")
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

// show is the whole program but its flags: n rounds of Joe and Ann, with
// pauses drawn from seed, each line after the time since the start.
func show(w io.Writer, n int, seed uint64) {
	fmt.Fprintln(w, "Joe and Ann speak through one channel; each waits for main's go-ahead after every message.")
	// Joe and Ann draw from two streams of one seed: each goroutine needs its own source.
	conversation(newStampWriter(w), n, randomPauses(seed, 1, maxPause), randomPauses(seed, 2, maxPause))
}
