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

// maxN bounds -n. Each gopher costs about 2.8 KB while it waits (a 2 KB stack
// and the rest heap), so a million take about 2.7 GiB: more would not fit in
// a laptop's memory.
const maxN = 1_000_000

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage printed to stdout, exit status 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "daisy_chain: %v (see -h)\n", err) // exactly one line
		os.Exit(2)
	}
}

// config is what the flags ask for.
type config struct {
	n     int
	trace string
}

// parse reads and validates args. On -h it prints the usage to w and returns
// flag.ErrHelp.
func parse(w io.Writer, args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("daisy_chain", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself; main prints one line
	fs.IntVar(&c.n, "n", 100_000, fmt.Sprintf("gophers in the chain (0 to %d: about 2.8 KB each)", maxN))
	fs.StringVar(&c.trace, "trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, "daisy_chain: a whisper passes down a chain of goroutines, each adding one; prints what each cost")
			fmt.Fprintln(w, "usage: go run ./09_daisy_chain [flags]")
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		return c, err
	}
	switch {
	case c.n < 0 || c.n > maxN:
		return c, fmt.Errorf("-n must be between 0 and %d (a million gophers take about 2.7 GiB), got %d", maxN, c.n)
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return c, nil
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) (err error) {
	c, err := parse(w, args)
	if err != nil {
		return err
	}
	if c.trace != "" {
		f, err := os.Create(c.trace)
		if err != nil {
			return fmt.Errorf("-trace: %w", err)
		}
		if err := trace.Start(f); err != nil {
			f.Close()
			return fmt.Errorf("-trace: %w", err)
		}
		defer func() {
			trace.Stop()
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("-trace: %w", cerr)
			}
		}()
	}

	fmt.Fprintf(w, "A chain of %d gophers, each adding one: 0 goes in at the right, out at the left comes\n", c.n)
	m := measure(w, c.n)
	fmt.Fprint(w, m.report())
	return nil
}

// measurement is what measure saw of one run of daisyChain.
type measurement struct {
	n           int
	build, trip time.Duration
	stack, heap int64 // bytes the chain held while all its gophers existed
}

// measure runs daisyChain(w, n), timing the build and the whisper's trip and
// reading how much stack and heap the chain took while all its gophers were
// waiting. The chain is built first thing in the program, so these are the
// costs of new goroutines; a program that has run goroutines before reuses
// their stacks and records and allocates less (see BenchmarkDaisyChain).
func measure(w io.Writer, n int) measurement {
	m := measurement{n: n}
	var before, built runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	var tripStart time.Time
	daisyChain(w, n, func() {
		m.build = time.Since(start)
		runtime.ReadMemStats(&built) // stops the world for a moment: not part of the trip
		tripStart = time.Now()
	})
	m.trip = time.Since(tripStart) // includes printing the result: a microsecond or so
	// TotalAlloc only grows, so a collection during the build does not hide
	// what the chain allocated; the chain makes no garbage.
	m.heap = int64(built.TotalAlloc - before.TotalAlloc)
	m.stack = int64(built.StackInuse) - int64(before.StackInuse)
	return m
}

// report says what the chain cost, in total and per gopher. With no gophers
// there is nothing to divide by, and it says nothing.
func (m measurement) report() string {
	if m.n == 0 {
		return ""
	}
	per := func(x int64) float64 { return float64(x) / float64(m.n) }
	return fmt.Sprintf("  building the chain: %v (%.0fns a gopher)\n", m.build.Round(time.Millisecond/10), per(m.build.Nanoseconds())) +
		fmt.Sprintf("  the whisper's trip: %v (%.0fns a hop)\n", m.trip.Round(time.Millisecond/10), per(m.trip.Nanoseconds())) +
		fmt.Sprintf("  memory: %.0f bytes a gopher (%.0f of stack, %.0f of heap for the goroutine and its channel)\n",
			per(m.stack+m.heap), per(m.stack), per(m.heap))
}
