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

func main() {
	goroutines := flag.Int("goroutines", 4, "goroutines incrementing each counter (1 to 1000)")
	increments := flag.Int("increments", 10_000, "increments by each goroutine (1 to 1000000)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "Don't overdo it: a counter three ways (channels, mutex, atomic) measured, then sync and channels together.")
		fmt.Fprintln(os.Stderr, "usage: go run ./summary [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := check(*goroutines, *increments, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	show(os.Stdout, *goroutines, *increments)
	ledger(os.Stdout, 100*time.Millisecond)
}

// check returns an error unless every value is in range and no argument
// follows the flags.
func check(goroutines, increments int, args []string) error {
	switch {
	case goroutines < 1 || goroutines > 1000:
		return fmt.Errorf("-goroutines must be between 1 and 1000, got %d", goroutines)
	case increments < 1 || increments > 1_000_000:
		return fmt.Errorf("-increments must be between 1 and 1000000, got %d", increments)
	case len(args) > 0:
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show is the whole program but its flags: the three counters, hammered and
// measured, then 4 workers square the numbers 1 to 1000.
func show(w io.Writer, goroutines, increments int) {
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

	const jobs, workers = 1000, 4
	var processed atomic.Int64
	sum := 0
	for sq := range squares(jobs, workers, &processed) {
		sum += sq
	}
	fmt.Fprintf(w, "\nWorking together: %d workers squared the numbers 1 to %d; the squares sum to %d.\n", workers, jobs, sum)
	// results is closed, so every worker has returned: the count is now jobs.
	fmt.Fprintf(w, "Channels carried the work, a WaitGroup closed the results, an atomic counted %d squares handed over.\n", processed.Load())
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
