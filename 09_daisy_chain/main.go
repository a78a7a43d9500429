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
	err := run(os.Stdout, os.Args[1:])
	if err != nil && !errors.Is(err, flag.ErrHelp) { // -h has printed the usage: exit status 0
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	n := fs.Int("n", 10_000, fmt.Sprintf("gophers in the chain (0 to %d: about 2.8 KB each)", maxN))
	end, err := setup(fs, w, args, nil, func() error { return between("-n", *n, 0, maxN) })
	if err != nil {
		return err
	}
	defer end(&err)
	fmt.Fprintf(w, "A chain of %d gophers, each adding one: 0 goes in at the right, out at the left comes\n", *n)
	fmt.Fprint(w, measureChain(w, *n).report())
	return nil
}

// setup parses args into fs after adding the flags every program shares:
// -trace, and -seed unless seed is nil. -h prints about and the flags to w.
// Once check (if any) accepts the values, setup starts what they ask for and
// returns end, for run to defer: end stops the trace and, when the seed was
// picked here, prints the line that replays it. Errors come back for main to
// print as one line.
func setup(fs *flag.FlagSet, w io.Writer, args []string, seed *uint64, check func() error) (end func(*error), err error) {
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
	var f *os.File
	if err == nil && *file != "" {
		if f, err = os.Create(*file); err == nil {
			if err = trace.Start(f); err != nil {
				f.Close()
			}
		}
		if err != nil {
			err = fmt.Errorf("-trace: %w", err)
		}
	}
	if err != nil {
		return nil, err
	}
	picked := seed != nil && *seed == 0
	if picked {
		*seed = max(rand.Uint64(), 1) // 0 means "pick one"
	}
	return func(err *error) {
		if f != nil {
			trace.Stop()
			*err = cmp.Or(*err, f.Close())
		}
		if picked && *err == nil {
			fmt.Fprintf(w, "seed %d: run again with -seed %d for the same random draws\n", *seed, *seed)
		}
	}, nil
}

// between returns an error naming the flag f unless lo <= v <= hi.
func between[T int | time.Duration](f string, v, lo, hi T) error {
	if v < lo || v > hi {
		return fmt.Errorf("%s must be between %v and %v, got %v", f, lo, hi, v)
	}
	return nil
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
