package main

// The table: each version measured over many searches at once.

import (
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// table runs n searches of each version of s at once, one version after
// another, and prints a line for each: the share complete (all three kinds of
// result) and the latencies' percentiles, in milliseconds. The q-th
// percentile is the smallest latency that q percent of them are at or below.
func table(w io.Writer, s *Services, n int) {
	fmt.Fprintf(w, "  %-7s %9s %8s %8s %8s %8s\n", "version", "complete", "p50", "p95", "p99", "max")
	for i, google := range []func(string) []Result{s.Google10, s.Google20, s.Google21, s.Google30} {
		complete, sorted := measure(google, n)
		p := func(q int) float64 { return float64(sorted[(q*n-1)/100]) / float64(time.Millisecond) }
		fmt.Fprintf(w, "  %-7s %8.1f%% %6.1fms %6.1fms %6.1fms %6.1fms\n", []string{"1.0", "2.0", "2.1", "3.0"}[i], 100*complete, p(50), p(95), p(99), p(100))
	}
}

// measure runs n > 0 searches of google at once, with the queries "golang 0",
// "golang 1", ..., and returns the share that is complete and the latencies,
// sorted.
func measure(google func(query string) []Result, n int) (complete float64, latencies []time.Duration) {
	latencies, full := make([]time.Duration, n), make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			start := time.Now()
			results := google(fmt.Sprintf("golang %d", i))
			// Each goroutine writes only its own elements: no lock is needed,
			// and wg.Wait makes the writes visible below.
			latencies[i], full[i] = time.Since(start), len(results) == 3
		})
	}
	wg.Wait()
	slices.Sort(latencies)
	return float64(len(slices.DeleteFunc(full, func(ok bool) bool { return !ok }))) / float64(n), latencies
}
