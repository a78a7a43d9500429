package main

import (
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/trace"
	"time"
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
	if err := run(os.Stdout, os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) { // -h: exit status 0
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

// run parses args and prints the first -n primes from the sieve to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	n := fs.Int("n", 100, fmt.Sprintf("primes to find (0 to %d)", maxPrimes))
	return command(fs, w, args, nil, func() error { return between("-n", *n, 0, maxPrimes) }, func() error {
		fmt.Fprintf(w, "The first %d primes, each the first number through a chain of one filter per prime before it:\n", *n)
		rows := &tenALine{w: w}
		sieve(rows, *n)
		if rows.lines > 0 {
			fmt.Fprintln(w) // the last line ends too
		}
		return nil
	})
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

// command parses args into fs after adding the flags every program shares:
// -trace, and -seed unless seed is nil. -h prints about and the flags to w.
// Once check (if any) accepts the values, command starts what they ask for,
// runs show, stops the trace and, when the seed was picked here, ends with
// the line that replays it. Errors come back for main to print as one line.
func command(fs *flag.FlagSet, w io.Writer, args []string, seed *uint64, check, show func() error) (err error) {
	file := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if seed != nil {
		fs.Uint64Var(seed, "seed", 0, "seed for the random draws (0: pick one and print it)")
	}
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself
	if err = fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(w, about)
		fs.SetOutput(w)
		fs.PrintDefaults()
	} else if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	} else if err == nil && check != nil {
		err = check()
	}
	if err != nil {
		return err
	}
	if *file != "" {
		f, err := os.Create(*file)
		if err == nil {
			err = trace.Start(f) // fails only while another trace runs; the collector then closes f
		}
		if err != nil {
			return fmt.Errorf("-trace: %w", err)
		}
		defer func() {
			trace.Stop()
			err = cmp.Or(err, f.Close())
		}()
	}
	picked := seed != nil && *seed == 0
	if picked {
		*seed = max(rand.Uint64(), 1) // 0 means "pick one"
	}
	if err = show(); err == nil && picked {
		fmt.Fprintf(w, "seed %d: run again with -seed %d for the same random draws\n", *seed, *seed)
	}
	return err
}

// between returns an error naming the flag f unless lo <= v <= hi.
func between[T int | time.Duration](f string, v, lo, hi T) error {
	if v < lo || v > hi {
		return fmt.Errorf("%s must be between %v and %v, got %v", f, lo, hi, v)
	}
	return nil
}
