package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
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
	if err := run(os.Stdout, os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) { // -h: exit status 0
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	n := fs.Int("n", 10_000, fmt.Sprintf("gophers in the chain (0 to %d: about 2.8 KB each)", maxN))
	return command(fs, w, args, nil, func() error { return between("-n", *n, 0, maxN) }, func() error {
		fmt.Fprintf(w, "A chain of %d gophers, each adding one: 0 goes in at the right, out at the left comes\n", *n)
		measureChain(w, *n)
		return nil
	})
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

// measureChain runs daisyChain(w, n) and prints what the chain cost while
// all its gophers waited: the time to build it, the whisper's trip, and the
// stack and heap of each gopher. The chain is built first thing in the
// program, so these are the costs of new goroutines; a program that has run
// goroutines before reuses their stacks and records and allocates less (see
// BenchmarkDaisyChain). With no gophers there is nothing to divide by, and it
// prints no costs.
func measureChain(w io.Writer, n int) {
	var before, built runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	var build time.Duration
	var tripStart time.Time
	daisyChain(w, n, func() {
		build = time.Since(start)
		runtime.ReadMemStats(&built) // stops the world for a moment: not part of the trip
		tripStart = time.Now()
	})
	trip := time.Since(tripStart) // includes printing the result
	if n == 0 {
		return
	}
	// TotalAlloc only grows, so a collection during the build does not hide
	// what the chain allocated; the chain makes no garbage.
	heap := float64(built.TotalAlloc-before.TotalAlloc) / float64(n)
	stack := float64(int64(built.StackInuse)-int64(before.StackInuse)) / float64(n)
	fmt.Fprintf(w, "  building the chain: %v (%.0fns a gopher)\n", build.Round(time.Millisecond/10), float64(build)/float64(n))
	fmt.Fprintf(w, "  the whisper's trip: %v (%.0fns a hop)\n", trip.Round(time.Millisecond/10), float64(trip)/float64(n))
	fmt.Fprintf(w, "  memory: %.0f bytes a gopher (%.0f of stack, %.0f of heap for the goroutine and its channel)\n", stack+heap, stack, heap)
}
