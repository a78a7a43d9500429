package main

import (
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// summary describes many searches of one version.
type summary struct {
	complete           float64 // share of searches with all three kinds of result
	p50, p95, p99, max time.Duration
}

// measure runs n searches of google at once, with the queries "golang 0",
// "golang 1", ..., and summarises them.
func measure(google func(query string) []Result, n int) summary {
	latencies := make([]time.Duration, n)
	complete := make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			start := time.Now()
			results := google(fmt.Sprintf("golang %d", i))
			// Each goroutine writes only its own elements: no lock is needed,
			// and wg.Wait makes the writes visible below.
			latencies[i] = time.Since(start)
			complete[i] = len(results) == 3
		})
	}
	wg.Wait()
	if n == 0 {
		return summary{}
	}
	slices.Sort(latencies)
	return summary{
		complete: float64(len(slices.DeleteFunc(complete, func(ok bool) bool { return !ok }))) / float64(n),
		p50:      nearestRank(latencies, 50),
		p95:      nearestRank(latencies, 95),
		p99:      nearestRank(latencies, 99),
		max:      latencies[n-1],
	}
}

// nearestRank returns the nearest-rank q-th percentile (0 < q <= 100) of
// sorted: the smallest value at least q percent of the values are at or below.
func nearestRank(sorted []time.Duration, q int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (q*len(sorted) + 99) / 100 // ceil(q/100 * len)
	return sorted[max(rank, 1)-1]
}

// A row is one line of the table: a version and its summary.
type row struct {
	version string
	s       summary
}

// printTable prints the rows under a header, durations in milliseconds.
func printTable(w io.Writer, rows []row) {
	fmt.Fprintf(w, "  %-7s %9s %8s %8s %8s %8s\n", "version", "complete", "p50", "p95", "p99", "max")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }
	for _, r := range rows {
		fmt.Fprintf(w, "  %-7s %8.1f%% %8s %8s %8s %8s\n", r.version, 100*r.s.complete, ms(r.s.p50), ms(r.s.p95), ms(r.s.p99), ms(r.s.max))
	}
}
