package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// A measurement is what one policy gave over one run.
type measurement struct {
	roundRobin   bool
	events       int     // dispatches and completions
	meanVariance float64 // the variance of pending across workers after each event, averaged over the events
	latencies    []time.Duration
}

// measurePolicy runs nRequester requesters of n requests each, with the workload wl,
// against nWorker workers dispatched by the given policy.
func measurePolicy(roundRobin bool, nRequester, nWorker, n int, wl workload) measurement {
	b := NewBalancer(nWorker, nRequester)
	b.roundRobin = roundRobin
	r := measurement{roundRobin: roundRobin}
	sum := 0.0
	b.after = func(p Pool) { // runs in the balancer's goroutine only
		r.events++
		sum += variance(p)
	}
	// Each requester appends to its own slice: no two goroutines share one.
	latencies := make([][]time.Duration, nRequester)
	requesters := make([]load, nRequester)
	for i := range requesters {
		pause, workFn := wl(i)
		requesters[i] = load{pause, workFn, func(_ int, d time.Duration) {
			latencies[i] = append(latencies[i], d)
		}}
	}
	loadBalance(b, n, requesters) // returns after every requester, the balancer and every worker are done
	if r.events > 0 {
		r.meanVariance = sum / float64(r.events)
	}
	r.latencies = slices.Concat(latencies...)
	slices.Sort(r.latencies)
	return r
}

// variance is the population variance of the workers' pending counts, as the
// talk's code prints it after each event.
func variance(p Pool) float64 {
	if len(p) == 0 {
		return 0
	}
	sum, sumsq := 0, 0
	for _, w := range p {
		sum += w.pending
		sumsq += w.pending * w.pending
	}
	n := len(p)
	// n*sumsq - sum*sum is exact in integers; divide once at the end.
	return float64(n*sumsq-sum*sum) / float64(n*n)
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

// policy is the policy's name as -policy spells it.
func (r measurement) policy() string {
	if r.roundRobin {
		return "roundrobin"
	}
	return "heap"
}

// writePolicyTable prints one line per policy: the mean variance of pending work
// across workers, and the latency of a request from send to answer.
func writePolicyTable(w io.Writer, results []measurement) {
	fmt.Fprintln(w, "variance: of pending requests across workers, after each event, averaged over the run")
	fmt.Fprintln(w, "latency: from a requester's send to its answer")
	fmt.Fprintf(w, "%-10s %8s %8s %10s %10s\n", "policy", "requests", "variance", "p50", "p99")
	for _, r := range results {
		p50, p99 := "-", "-" // no requests, no latency
		if len(r.latencies) > 0 {
			p50, p99 = fmtMillis(nearestRank(r.latencies, 50)), fmtMillis(nearestRank(r.latencies, 99))
		}
		fmt.Fprintf(w, "%-10s %8d %8.3f %10s %10s\n", r.policy(), len(r.latencies), r.meanVariance, p50, p99)
	}
}

// fmtMillis formats d in milliseconds with three decimals.
func fmtMillis(d time.Duration) string {
	return fmt.Sprintf("%.3fms", float64(d)/float64(time.Millisecond))
}

// verdict says in one line which policy kept the workers more even.
func verdict(heap, roundRobin measurement) string {
	if heap.meanVariance < roundRobin.meanVariance {
		return fmt.Sprintf("least loaded first: the heap keeps pending work more even than round robin (variance %.3f < %.3f)",
			heap.meanVariance, roundRobin.meanVariance)
	}
	return fmt.Sprintf("on this run the heap is no more even than round robin (variance %.3f >= %.3f)",
		heap.meanVariance, roundRobin.meanVariance)
}
