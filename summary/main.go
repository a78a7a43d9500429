package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/trace"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

const (
	name  = "summary"
	about = `summary: don't overdo it: a counter three ways (channels, mutex, atomic) measured, then sync and channels together
usage: go run ./summary [flags]`

	maxGoroutines = 1000      // bounds -goroutines
	maxIncrements = 1_000_000 // bounds -increments, each goroutine's
	maxWorkers    = 1000      // bounds -workers
	// maxJobs bounds -jobs. The sum of the first n squares, n(n+1)(2n+1)/6,
	// is computed in int64, whose numerator overflows from n = 1,664,511;
	// a million stays well clear.
	maxJobs = 1_000_000
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) { // -h: exit status 0
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

// run parses args, measures the three counters, then runs squares.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	goroutines := fs.Int("goroutines", 4, fmt.Sprintf("goroutines incrementing each counter (1 to %d)", maxGoroutines))
	increments := fs.Int("increments", 100_000, fmt.Sprintf("increments by each goroutine (1 to %d)", maxIncrements))
	jobs := fs.Int("jobs", 1000, fmt.Sprintf("numbers to square in the working-together example (0 to %d)", maxJobs))
	workers := fs.Int("workers", 4, fmt.Sprintf("workers in the working-together example (1 to %d)", maxWorkers))
	return command(fs, w, args, nil, func() error {
		return cmp.Or(between("-goroutines", *goroutines, 1, maxGoroutines), between("-increments", *increments, 1, maxIncrements),
			between("-jobs", *jobs, 0, maxJobs), between("-workers", *workers, 1, maxWorkers))
	}, func() error {
		fmt.Fprintln(w, "Don't overdo it: a reference counter three ways, what an increment cost, then channels and sync together.")
		total := *goroutines * *increments
		fmt.Fprintf(w, "\nA reference counter, %d goroutines × %d increments = %d:\n", *goroutines, *increments, total)
		ch := newChanCounter()
		names := []string{"channels (one goroutine owns it)", "sync.Mutex", "sync/atomic (atomic.Int64)"}
		costs := make([]float64, len(names)) // ns an increment
		for i, c := range []counter{ch, &mutexCounter{}, &atomicCounter{}} {
			costs[i] = hammer(c, *goroutines, *increments)
			fmt.Fprintf(w, "  %-34s counted %d  %8.1fns an increment\n", names[i], c.Value(), costs[i])
		}
		ch.Close() // its goroutine ends
		fmt.Fprintln(w, advice(names, costs))

		var processed atomic.Int64
		sum := 0
		for sq := range squares(*jobs, *workers, &processed) {
			sum += sq
		}
		fmt.Fprintf(w, "\nWorking together: %d workers squared the numbers 1 to %d; the squares sum to %d (n(n+1)(2n+1)/6 = %d).\n",
			*workers, *jobs, sum, sumOfSquares(*jobs))
		// results is closed, so every worker has returned: the count is now *jobs.
		fmt.Fprintf(w, "Channels carried the work, a WaitGroup closed the results, an atomic counted %d squares handed over.\n", processed.Load())
		return nil
	})
}

// sumOfSquares is 1² + 2² + ... + n², in closed form. n must be at most
// maxJobs (beyond 1,664,510 the product overflows int64).
func sumOfSquares(n int) int64 {
	m := int64(n)
	return m * (m + 1) * (2*m + 1) / 6
}

// advice draws one line of advice from what an increment cost with each
// counter; the first is the channel counter. Of equally cheap others the
// first listed is named; if none is cheaper than channels, it says so.
func advice(names []string, costs []float64) string {
	best := 1 + slices.Index(costs[1:], slices.Min(costs[1:]))
	if costs[best] >= costs[0] {
		return "Here channels were as cheap as anything: measure before you choose."
	}
	return fmt.Sprintf("Here %s was cheapest, %.0fx cheaper than channels: for a count, use sync; use channels to hand over work.",
		names[best], costs[0]/costs[best])
}

// hammer increments c from the given number of goroutines, increments times
// each, and returns what one increment cost: the time that took, in ns,
// divided by the number of increments.
func hammer(c counter, goroutines, increments int) float64 {
	start := time.Now()
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range increments {
				c.Inc()
			}
		})
	}
	wg.Wait()
	return float64(time.Since(start).Nanoseconds()) / float64(goroutines*increments)
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
