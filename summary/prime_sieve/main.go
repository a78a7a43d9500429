package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// maxPrimes bounds -n: the chain holds a goroutine per prime, and the
// hand-offs grow as n²: 8,000 primes take over half a minute (the page has
// the measurements).
const maxPrimes = 10_000

func main() {
	n := flag.Int("n", 100, fmt.Sprintf("primes to find (0 to %d)", maxPrimes))
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
func check(n int, args []string) error {
	if n < 0 || n > maxPrimes {
		return fmt.Errorf("-n must be between 0 and %d, got %d", maxPrimes, n)
	}
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show is the whole program but its flags: the first n primes from the
// sieve, ten to a line.
func show(w io.Writer, n int) {
	fmt.Fprintf(w, "The first %d primes, each the first number through a chain of one filter per prime before it:\n", n)
	rows := &tenALine{w: w}
	sieve(rows, n)
	if rows.lines > 0 {
		fmt.Fprintln(w) // the last line ends too
	}
}

// tenALine lays out the lines sieve prints (one prime each, one Write each)
// ten to a line, separated by tabs, so that the default 100 primes fit on a
// screen. They still appear as the sieve finds them.
type tenALine struct {
	w     io.Writer
	lines int // lines written so far
}

func (t *tenALine) Write(p []byte) (int, error) {
	sep := ""
	switch {
	case t.lines > 0 && t.lines%10 == 0:
		sep = "\n"
	case t.lines > 0:
		sep = "\t"
	}
	t.lines++
	if _, err := fmt.Fprintf(t.w, "%s%s", sep, bytes.TrimSuffix(p, []byte("\n"))); err != nil {
		return 0, err
	}
	return len(p), nil
}
