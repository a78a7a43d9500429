package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"sync/atomic"
	"time"
)

const (
	maxGoroutines = 1000      // bounds -goroutines
	maxIncrements = 1_000_000 // bounds -increments, each goroutine's
	maxWorkers    = 1000      // bounds -workers
	// maxJobs bounds -jobs. The sum of the first n squares, n(n+1)(2n+1)/6,
	// is computed in int64, whose numerator overflows from n = 1,664,511;
	// a million stays well clear.
	maxJobs = 1_000_000
)

func main() {
	goroutines := flag.Int("goroutines", 4, fmt.Sprintf("goroutines incrementing each counter (1 to %d)", maxGoroutines))
	increments := flag.Int("increments", 100_000, fmt.Sprintf("increments by each goroutine (1 to %d)", maxIncrements))
	jobs := flag.Int("jobs", 1000, fmt.Sprintf("numbers to square in the working-together example (0 to %d)", maxJobs))
	workers := flag.Int("workers", 4, fmt.Sprintf("workers in the working-together example (1 to %d)", maxWorkers))
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "Don't overdo it: a counter three ways (channels, mutex, atomic) measured, then sync and channels together.")
		fmt.Fprintln(os.Stderr, "usage: go run ./summary [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := check(*goroutines, *increments, *jobs, *workers, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	show(os.Stdout, *goroutines, *increments, *jobs, *workers)
	ledger(os.Stdout, 100*time.Millisecond)
}

// check returns an error unless every value is in range and no argument
// follows the flags.
func check(goroutines, increments, jobs, workers int, args []string) error {
	for _, f := range []struct {
		name      string
		v, lo, hi int
	}{
		{"goroutines", goroutines, 1, maxGoroutines}, {"increments", increments, 1, maxIncrements},
		{"jobs", jobs, 0, maxJobs}, {"workers", workers, 1, maxWorkers},
	} {
		if f.v < f.lo || f.v > f.hi {
			return fmt.Errorf("-%s must be between %d and %d, got %d", f.name, f.lo, f.hi, f.v)
		}
	}
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show is the whole program but its flags: the three counters, hammered and
// measured, then squares.
func show(w io.Writer, goroutines, increments, jobs, workers int) {
	fmt.Fprintln(w, "Don't overdo it: a reference counter three ways, what an increment cost, then channels and sync together.")
	fmt.Fprintf(w, "\nA reference counter, %d goroutines × %d increments = %d:\n", goroutines, increments, goroutines*increments)
	ch := newChanCounter()
	names := []string{"channels (one goroutine owns it)", "sync.Mutex", "sync/atomic (atomic.Int64)"}
	costs := make([]float64, len(names)) // ns an increment
	for i, c := range []counter{ch, &mutexCounter{}, &atomicCounter{}} {
		took := hammer(c, goroutines, increments)
		costs[i] = float64(took.Nanoseconds()) / float64(goroutines*increments)
		fmt.Fprintf(w, "  %-34s counted %d  %8.1fns an increment\n", names[i], c.Value(), costs[i])
	}
	ch.Close() // its goroutine ends
	fmt.Fprintln(w, advice(names, costs))

	var processed atomic.Int64
	sum := 0
	for sq := range squares(jobs, workers, &processed) {
		sum += sq
	}
	fmt.Fprintf(w, "\nWorking together: %d workers squared the numbers 1 to %d; the squares sum to %d (n(n+1)(2n+1)/6 = %d).\n",
		workers, jobs, sum, sumOfSquares(jobs))
	// results is closed, so every worker has returned: the count is now jobs.
	fmt.Fprintf(w, "Channels carried the work, a WaitGroup closed the results, an atomic counted %d squares handed over.\n", processed.Load())
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
