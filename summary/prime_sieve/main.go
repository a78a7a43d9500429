package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/trace"
	"sync/atomic"
)

// maxPrimes bounds -n: the chain holds a goroutine per prime, and the work
// grows as n², so 10,000 primes already take seconds.
const maxPrimes = 10_000

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage printed to stdout, exit status 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "prime_sieve: %v (see -h)\n", err) // exactly one line
		os.Exit(2)
	}
}

// run parses args and prints the first -n primes from the sieve to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("prime_sieve", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself; main prints one line
	n := fs.Int("n", 100, fmt.Sprintf("primes to find (0 to %d)", maxPrimes))
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, "prime_sieve: the concurrent prime sieve, a daisy chain that grows a filter goroutine per prime")
			fmt.Fprintln(w, "usage: go run ./summary/prime_sieve [flags]")
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		return err
	}
	if err := validate(*n); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			return fmt.Errorf("-trace: %v", err)
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			return fmt.Errorf("-trace: %v", err)
		}
		defer trace.Stop()
	}
	fmt.Fprintf(w, "The first %d primes, each the first number through a chain of one filter per prime before it:\n", *n)
	var running atomic.Int64
	rows := &tenALine{w: w}
	sieve(rows, *n, &running)
	rows.end()
	return nil
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

// end ends the last line, if there is one.
func (t *tenALine) end() {
	if t.lines > 0 {
		fmt.Fprintln(t.w)
	}
}

// validate checks -n.
func validate(n int) error {
	if n < 0 || n > maxPrimes {
		return fmt.Errorf("-n must be between 0 and %d, got %d", maxPrimes, n)
	}
	return nil
}
