package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/trace"
)

const (
	name  = "prime_sieve"
	about = `prime_sieve: the concurrent prime sieve, a daisy chain that grows a filter goroutine per prime
usage: go run ./summary/prime_sieve [flags]`

	// maxPrimes bounds -n: the chain holds a goroutine per prime, and the
	// hand-offs grow as n²: 8,000 primes take about 30 s (README).
	maxPrimes = 10_000
)

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage printed to stdout, exit status 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

// run parses args and prints the first -n primes from the sieve to w.
func run(w io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	n := fs.Int("n", 100, fmt.Sprintf("primes to find (0 to %d)", maxPrimes))
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := parseFlags(fs, w, about, args); err != nil {
		return err
	}
	if *n < 0 || *n > maxPrimes {
		return fmt.Errorf("-n must be between 0 and %d, got %d", maxPrimes, *n)
	}
	if *traceFile != "" {
		stop, err := startTrace(*traceFile)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, stop()) }()
	}
	fmt.Fprintf(w, "The first %d primes, each the first number through a chain of one filter per prime before it:\n", *n)
	rows := &tenALine{w: w}
	sieve(rows, *n)
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

// parseFlags parses args into fs. On -h it prints about and every flag to w;
// any other problem comes back as an error for main to print in one line.
func parseFlags(fs *flag.FlagSet, w io.Writer, about string, args []string) error {
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, about)
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// startTrace writes a runtime/trace execution trace to file until stop is called.
func startTrace(file string) (stop func() error, err error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, fmt.Errorf("-trace: %w", err)
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-trace: %w", err)
	}
	return func() error {
		trace.Stop()
		if err := f.Close(); err != nil {
			return fmt.Errorf("-trace: %w", err)
		}
		return nil
	}, nil
}
