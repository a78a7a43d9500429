package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	n := flag.Int("n", 5, "messages main receives from boring (0 to 1000)")
	seed := flag.Uint64("seed", 9, "seed for boring's random pauses")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "main receives what boring sends on a channel; then sends are timed with and without a buffer.")
		fmt.Fprintln(os.Stderr, "usage: go run ./02_channels [flags]")
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

// show is the whole program but its flags: main hears n messages from boring,
// pausing as seed draws up to the talk's 1s over ten; then the aside times
// sends, buffer by buffer.
func show(w io.Writer, n int, seed uint64) {
	fmt.Fprintf(w, "main receives %d messages from boring on an unbuffered channel, then leaves:\n", n)
	usingChannels(newStampWriter(w), n, randomPauses(seed, 1, 100*time.Millisecond))

	// boring is still in its last pause, under 100ms; the aside takes 270ms,
	// so boring has returned before show does.
	fmt.Fprintln(w, "\nAn aside about buffered channels: a sender sends 3 values as fast as it can;")
	fmt.Fprintln(w, "a receiver takes one every 30ms.")
	for _, capacity := range []int{0, 1, 3} {
		fmt.Fprintf(w, "  buffer %d: sends completed at %v\n", capacity, handOff(capacity, 3, 30*time.Millisecond))
	}
	fmt.Fprintln(w, "Unbuffered, each send waits for its receive; a buffer of k lets k sends go ahead.")
}
