package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

// maxN bounds -n. Each gopher costs about 2.8 KB while it waits (a 2 KB stack
// and the rest heap), so a million take about 2.7 GiB: more would not fit in
// a laptop's memory.
const maxN = 1_000_000

func main() {
	n := flag.Int("n", 10_000, fmt.Sprintf("gophers in the chain, about 2.8 KB each (0 to %d)", maxN))
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "A whisper passes down a chain of goroutines, each adding one; it prints what the chain cost.")
		fmt.Fprintln(os.Stderr, "usage: go run ./09_daisy_chain [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := check(*n, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	show(os.Stdout, *n)
	ledger(os.Stdout, 100*time.Millisecond)
}

// check returns an error unless n is in range and no argument follows the flags.
func check(n int, args []string) error {
	switch {
	case n < 0 || n > maxN:
		return fmt.Errorf("-n must be between 0 and %d, got %d", maxN, n)
	case len(args) > 0:
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}
