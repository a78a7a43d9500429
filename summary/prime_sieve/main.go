package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	n := flag.Int("n", 100, "primes to find (0 to 10000)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "The concurrent prime sieve: a daisy chain that grows a filter goroutine per prime.")
		fmt.Fprintln(os.Stderr, "usage: go run ./summary/prime_sieve [flags]")
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
// The chain holds a goroutine per prime, and the hand-offs grow as n²: 8,000
// primes take over half a minute (the page has the measurements).
func check(n int, args []string) error {
	if n < 0 || n > 10_000 {
		return fmt.Errorf("-n must be between 0 and 10000, got %d", n)
	}
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show is the whole program but its flags: the first n primes from the
// sieve, ten to a line.
func show(w io.Writer, n int) {
	fmt.Fprintf(w, "The first %d primes, each the first number through a chain of one filter per prime before it:", n)
	sieve(&tenALine{w: w}, n)
	fmt.Fprintln(w) // ends the last line
}

// tenALine lays out the lines sieve prints (one prime each, one Write each)
// ten to a line, so that the default 100 primes fit on a screen. The primes
// still appear as the sieve finds them.
type tenALine struct {
	w     io.Writer
	lines int // lines written so far
}

// Write puts a tab before the prime in p, or, every tenth, a line break
// that ends the line before (the first ends show's heading). The
// separator replaces p's line break, so the length written is len(p).
func (t *tenALine) Write(p []byte) (int, error) {
	sep := "\t"
	if t.lines%10 == 0 {
		sep = "\n"
	}
	t.lines++
	return fmt.Fprintf(t.w, "%s%s", sep, bytes.TrimSuffix(p, []byte("\n")))
}
