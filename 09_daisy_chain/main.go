package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/trace"
	"time"
)

const (
	name  = "daisy_chain"
	about = `daisy_chain: a whisper passes down a chain of goroutines, each adding one; prints what each cost
usage: go run ./09_daisy_chain [flags]`
	// maxN bounds -n. Each gopher costs about 2.8 KB while it waits (a 2 KB
	// stack and the rest heap), so a million take about 2.7 GiB: more would
	// not fit in a laptop's memory.
	maxN = 1_000_000
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

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	n := fs.Int("n", 10_000, fmt.Sprintf("gophers in the chain (0 to %d: about 2.8 KB each)", maxN))
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := parseFlags(fs, w, about, args); err != nil {
		return err
	}
	if *n < 0 || *n > maxN {
		return fmt.Errorf("-n must be between 0 and %d (a million gophers take about 2.7 GiB), got %d", maxN, *n)
	}
	if *traceFile != "" {
		stop, err := startTrace(*traceFile)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, stop()) }()
	}
	fmt.Fprintf(w, "A chain of %d gophers, each adding one: 0 goes in at the right, out at the left comes\n", *n)
	fmt.Fprint(w, measureChain(w, *n).report())
	return nil
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

// chainCost is what measureChain saw of one run of daisyChain.
type chainCost struct {
	n           int
	build, trip time.Duration
	stack, heap int64 // bytes the chain held while all its gophers existed
}

// measureChain runs daisyChain(w, n), timing the build and the whisper's
// trip and reading how much stack and heap the chain took while all its
// gophers were waiting. The chain is built first thing in the program, so these are the
// costs of new goroutines; a program that has run goroutines before reuses
// their stacks and records and allocates less (see BenchmarkDaisyChain).
func measureChain(w io.Writer, n int) chainCost {
	m := chainCost{n: n}
	var before, built runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	var tripStart time.Time
	daisyChain(w, n, func() {
		m.build = time.Since(start)
		runtime.ReadMemStats(&built) // stops the world for a moment: not part of the trip
		tripStart = time.Now()
	})
	m.trip = time.Since(tripStart) // includes printing the result
	// TotalAlloc only grows, so a collection during the build does not hide
	// what the chain allocated; the chain makes no garbage.
	m.heap = int64(built.TotalAlloc - before.TotalAlloc)
	m.stack = int64(built.StackInuse) - int64(before.StackInuse)
	return m
}

// report says what the chain cost, in total and per gopher. With no gophers
// there is nothing to divide by, and it says nothing.
func (m chainCost) report() string {
	if m.n == 0 {
		return ""
	}
	per := func(x int64) float64 { return float64(x) / float64(m.n) }
	return fmt.Sprintf("  building the chain: %v (%.0fns a gopher)\n", m.build.Round(time.Millisecond/10), per(m.build.Nanoseconds())) +
		fmt.Sprintf("  the whisper's trip: %v (%.0fns a hop)\n", m.trip.Round(time.Millisecond/10), per(m.trip.Nanoseconds())) +
		fmt.Sprintf("  memory: %.0f bytes a gopher (%.0f of stack, %.0f of heap for the goroutine and its channel)\n",
			per(m.stack+m.heap), per(m.stack), per(m.heap))
}
