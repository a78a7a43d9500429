package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/trace"
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
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage printed to stdout, exit status 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

// run parses args, measures the three counters, then runs squares.
func run(w io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	goroutines := fs.Int("goroutines", 4, fmt.Sprintf("goroutines incrementing each counter (1 to %d)", maxGoroutines))
	increments := fs.Int("increments", 100_000, fmt.Sprintf("increments by each goroutine (1 to %d)", maxIncrements))
	jobs := fs.Int("jobs", 1000, fmt.Sprintf("numbers to square in the working-together example (0 to %d)", maxJobs))
	workers := fs.Int("workers", 4, fmt.Sprintf("workers in the working-together example (1 to %d)", maxWorkers))
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := parseFlags(fs, w, about, args); err != nil {
		return err
	}
	switch {
	case *goroutines < 1 || *goroutines > maxGoroutines:
		return fmt.Errorf("-goroutines must be between 1 and %d, got %d", maxGoroutines, *goroutines)
	case *increments < 1 || *increments > maxIncrements:
		return fmt.Errorf("-increments must be between 1 and %d, got %d", maxIncrements, *increments)
	case *jobs < 0 || *jobs > maxJobs:
		return fmt.Errorf("-jobs must be between 0 and %d, got %d", maxJobs, *jobs)
	case *workers < 1 || *workers > maxWorkers:
		return fmt.Errorf("-workers must be between 1 and %d, got %d", maxWorkers, *workers)
	}
	if *traceFile != "" {
		stop, err := startTrace(*traceFile)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, stop()) }()
	}

	fmt.Fprintln(w, "Don't overdo it: a reference counter three ways, what an increment cost, then channels and sync together.")
	total := *goroutines * *increments
	fmt.Fprintf(w, "\nA reference counter, %d goroutines × %d increments = %d:\n", *goroutines, *increments, total)
	ch := newChanCounter()
	kinds := []struct {
		name string
		c    counter
	}{
		{"channels (one goroutine owns it)", ch},
		{"sync.Mutex", &mutexCounter{}},
		{"sync/atomic (atomic.Int64)", &atomicCounter{}},
	}
	var names []string
	var costs []float64 // ns an increment
	for _, k := range kinds {
		cost := perIncrement(hammer(k.c, *goroutines, *increments), total)
		fmt.Fprintf(w, "  %-34s counted %d  %8.1fns an increment\n", k.name, k.c.Value(), cost)
		names, costs = append(names, k.name), append(costs, cost)
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
	best := 1
	for i := 2; i < len(costs); i++ {
		if costs[i] < costs[best] {
			best = i
		}
	}
	if costs[best] >= costs[0] {
		return "Here channels were as cheap as anything: measure before you choose."
	}
	return fmt.Sprintf("Here %s was cheapest, %.0fx cheaper than channels: for a count, use sync; use channels to hand over work.",
		names[best], costs[0]/costs[best])
}

// hammer increments c from the given number of goroutines, increments times
// each, and returns how long that took.
func hammer(c counter, goroutines, increments int) time.Duration {
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
	return time.Since(start)
}

// perIncrement is the cost of one of total increments that took d, in ns.
func perIncrement(d time.Duration, total int) float64 {
	return float64(d.Nanoseconds()) / float64(total)
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
