package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// maxPause is the longest pause a speaker takes: the talk's rand.Intn(1e3)
// milliseconds in its select version, divided by ten.
const maxPause = 100 * time.Millisecond

func main() {
	n := flag.Int("n", 5, "messages each speaker sends (0 to 1000)")
	seed := flag.Uint64("seed", 3, "seed for the speakers' random pauses")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "The rules of select at work, then fan-in with one goroutine and a select.")
		fmt.Fprintln(os.Stderr, "usage: go run ./06_select [flags]")
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
	switch {
	case n < 0 || n > 1000:
		return fmt.Errorf("-n must be between 0 and 1000, got %d", n)
	case len(args) > 0:
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show is the whole program but its flags: a line for each rule of select,
// then Joe and Ann through the select version of fanIn, with pauses drawn
// from seed, each line after the time since the start; then going further.
func show(w io.Writer, n int, seed uint64) {
	rules(w)
	fmt.Fprintln(w, "Fan-in using select: one goroutine serves both Joe and Ann.")
	// Joe and Ann draw from two streams of one seed: each goroutine needs its own source.
	conversation(newStampWriter(w), n, randomPauses(seed, 1, maxPause), randomPauses(seed, 2, maxPause))
	goingFurther(w)
}
