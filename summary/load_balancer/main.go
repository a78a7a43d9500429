package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"
)

func main() {
	nRequester := flag.Int("requesters", 100, "requesters, each with one request out at a time (1 to 1000)")
	nWorker := flag.Int("workers", 10, "workers in the pool (1 to 100)")
	n := flag.Int("n", 10, "requests each requester sends (0 to 1000)")
	seed := flag.Uint64("seed", 1, "seed for the requesters' pauses and work")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "A load balancer: the least loaded worker first (a heap) against round robin, measured on one workload.")
		fmt.Fprintln(os.Stderr, "usage: go run ./summary/load_balancer [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := check(*nRequester, *nWorker, *n, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	show(os.Stdout, *nRequester, *nWorker, *n, *seed)
	ledger(os.Stdout, 100*time.Millisecond)
}

// check returns an error unless every value is in range and no argument
// follows the flags.
func check(nRequester, nWorker, n int, args []string) error {
	switch {
	case nRequester < 1 || nRequester > 1000:
		return fmt.Errorf("-requesters must be between 1 and 1000, got %d", nRequester)
	case nWorker < 1 || nWorker > 100:
		return fmt.Errorf("-workers must be between 1 and 100, got %d", nWorker)
	case n < 0 || n > 1000:
		return fmt.Errorf("-n must be between 0 and 1000, got %d", n)
	case len(args) > 0:
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show is the whole program but its flags: the heap and round robin, each
// measured on the talk's workload drawn from seed, and a line of the table
// for each.
func show(w io.Writer, nRequester, nWorker, n int, seed uint64) {
	fmt.Fprintf(w, "load_balancer: %d requesters send %d requests each to %d workers (work up to %v, pauses up to %v)\n",
		nRequester, n, nWorker, time.Duration(nWorker)*unit, time.Duration(nWorker)*2*unit)
	// The two run side by side, each on its own copy of the same workload
	// (fresh random sources of the same seed): they share nothing.
	var h, rr measurement
	var wg sync.WaitGroup
	wg.Go(func() { h = measurePolicy(false, nRequester, nWorker, n, talkWorkload(seed, nWorker)) })
	wg.Go(func() { rr = measurePolicy(true, nRequester, nWorker, n, talkWorkload(seed, nWorker)) })
	wg.Wait()
	fmt.Fprintln(w, "variance: of pending requests across workers, after each event, averaged over the run")
	fmt.Fprintln(w, "latency: from a requester's send to its answer")
	fmt.Fprintf(w, "%-10s %8s %8s %10s %10s\n", "policy", "requests", "variance", "p50", "p99")
	for i, m := range []measurement{h, rr} {
		fmt.Fprintf(w, "%-10s %8d %8.3f %10s %10s\n", []string{"heap", "roundrobin"}[i],
			len(m.latencies), m.meanVariance, percentile(m.latencies, 50), percentile(m.latencies, 99))
	}
}

// Measuring the two policies on the talk's load: the workload, one run of a
// policy, and what the table prints of it.

// unit is the talk's second, scaled: work takes up to nWorker units and a
// requester pauses up to 2·nWorker units.
// Changed: milliseconds for the talk's seconds, not the collection's usual
// tenth: a run's time grows in proportion to unit, and at a tenth of a second
// a run of the talk's load takes about 53 s (0.6 s at 1 ms, 5.7 s at 10 ms:
// the page has the measurements).
const unit = time.Millisecond

// A workload gives requester i its pauses and its work (a load without
// furtherProcess, which the measuring adds).
type workload func(i int) load

// talkWorkload is the talk's load: requester i pauses up to nWorker*2 units
// before each request, and each request works for nWorker times a draw up to
// one unit, returning the draw (the talk's op). Each requester has two random
// sources of its own, distinct streams of one seed, so the same seed gives
// every policy the same workload. The work source is used by whichever worker
// runs the request, but only between the requester's send and its receive of
// the answer, so no two goroutines use it at once.
func talkWorkload(seed uint64, nWorker int) workload {
	return func(i int) load {
		pauses := rand.New(rand.NewPCG(seed, uint64(2*i+1)))
		work := rand.New(rand.NewPCG(seed, uint64(2*i+2)))
		pause := func() time.Duration { return time.Duration(pauses.Int64N(int64(nWorker) * 2 * int64(unit))) }
		op := func() int {
			n := time.Duration(work.Int64N(int64(unit))) // in nanoseconds, like the talk's rand.Int63n(int64(time.Second))
			time.Sleep(time.Duration(nWorker) * n)
			return int(n)
		}
		return load{pause: pause, workFn: op}
	}
}

// A measurement is what one policy gave over one run.
type measurement struct {
	meanVariance float64 // the variance of pending across workers after each event, averaged over the events
	latencies    []time.Duration
}

// measurePolicy runs nRequester requesters of n requests each, with the workload wl,
// against nWorker workers dispatched by the given policy.
func measurePolicy(roundRobin bool, nRequester, nWorker, n int, wl workload) measurement {
	b := NewBalancer(nWorker, nRequester)
	b.roundRobin = roundRobin
	sum, events := 0.0, 0    // events: dispatches and completions
	b.after = func(p Pool) { // runs in the balancer's goroutine only
		events++
		sum += variance(p)
	}
	// Each requester appends to its own slice: no two goroutines share one.
	latencies := make([][]time.Duration, nRequester)
	requesters := make([]load, nRequester)
	for i := range requesters {
		requesters[i] = wl(i)
		requesters[i].furtherProcess = func(_ int, d time.Duration) { latencies[i] = append(latencies[i], d) }
	}
	loadBalance(b, n, requesters) // returns after every requester, the balancer and every worker are done
	all := slices.Concat(latencies...)
	slices.Sort(all)
	return measurement{sum / float64(max(events, 1)), all} // no events (no requests): variance 0
}

// variance is the population variance of the workers' pending counts, as the
// talk's code prints it after each event. p must not be empty (-workers is at
// least 1).
func variance(p Pool) float64 {
	sum, sumsq := 0, 0
	for _, w := range p {
		sum += w.pending
		sumsq += w.pending * w.pending
	}
	n := len(p)
	// n*sumsq - sum*sum is exact in integers; divide once at the end.
	return float64(n*sumsq-sum*sum) / float64(n*n)
}

// percentile returns, in milliseconds with three decimals, the nearest-rank
// q-th percentile (0 < q <= 100) of sorted: the smallest value at least q
// percent of the values are at or below. With no values it returns "-".
func percentile(sorted []time.Duration, q int) string {
	if len(sorted) == 0 {
		return "-" // no requests, no latency
	}
	d := sorted[(q*len(sorted)+99)/100-1] // the ceil(q/100 * len)-th value
	return fmt.Sprintf("%.3fms", float64(d)/float64(time.Millisecond))
}
