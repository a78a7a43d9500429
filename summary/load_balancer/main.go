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
	"time"
)

const (
	name  = "load_balancer"
	about = `load_balancer: requesters, a pool of workers and one balancer; the least loaded worker first (a heap) against round robin, measured; the seed draws the requesters' pauses and work
usage: go run ./summary/load_balancer [flags]`

	// Changed: milliseconds for the talk's seconds, not the collection's usual
	// tenth: at a tenth, a run of the talk's load would take about 15s.
	unit = time.Millisecond

	maxRequesters = 1000
	maxWorkers    = 100
	maxRequests   = 1000
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) { // -h: exit status 0
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

// run parses args and measures the balancer, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	policy := fs.String("policy", "both", "how the balancer picks a worker: heap (least loaded), roundrobin, or both on the same workload")
	nRequester := fs.Int("requesters", 100, fmt.Sprintf("requesters, each with one request out at a time (1 to %d)", maxRequesters))
	nWorker := fs.Int("workers", 10, fmt.Sprintf("workers in the pool (1 to %d)", maxWorkers))
	n := fs.Int("n", 10, fmt.Sprintf("requests each requester sends (0 to %d)", maxRequests))
	var seed uint64
	var policies []bool // roundRobin for each policy to run
	return command(fs, w, args, &seed, func() error {
		if policies = map[string][]bool{"heap": {false}, "roundrobin": {true}, "both": {false, true}}[*policy]; policies == nil {
			return fmt.Errorf("-policy must be heap, roundrobin or both, got %q", *policy)
		}
		return cmp.Or(between("-requesters", *nRequester, 1, maxRequesters), between("-workers", *nWorker, 1, maxWorkers),
			between("-n", *n, 0, maxRequests))
	}, func() error {
		fmt.Fprintf(w, "load_balancer: %d requesters send %d requests each to %d workers (work up to %v, pauses up to %v)\n",
			*nRequester, *n, *nWorker, time.Duration(*nWorker)*unit, time.Duration(*nWorker)*2*unit)
		// The policies run side by side, each on its own copy of the same
		// workload (fresh random sources of the same seed): they share nothing.
		results := make([]measurement, len(policies))
		var wg sync.WaitGroup
		for i, roundRobin := range policies {
			wg.Go(func() {
				results[i] = measurePolicy(roundRobin, *nRequester, *nWorker, *n, talkWorkload(seed, *nWorker))
			})
		}
		wg.Wait()
		writePolicyTable(w, results)
		if len(results) == 2 {
			if h, rr := results[0].meanVariance, results[1].meanVariance; h < rr {
				fmt.Fprintf(w, "least loaded first: the heap keeps pending work more even than round robin (variance %.3f < %.3f)\n", h, rr)
			} else {
				fmt.Fprintf(w, "on this run the heap is no more even than round robin (variance %.3f >= %.3f)\n", h, rr)
			}
		}
		return nil
	})
}

// A workload gives requester i its pauses and its work.
type workload func(i int) (pause func() time.Duration, workFn func() int)

// talkWorkload is the talk's load: requester i pauses up to nWorker*2 units
// before each request, and each request works for nWorker times a draw up to
// one unit, returning the draw (the talk's op). Each requester has two random
// sources of its own, distinct streams of one seed, so the same seed gives
// every policy the same workload. The work source is used by whichever worker
// runs the request, but only between the requester's send and its receive of
// the answer, so no two goroutines use it at once.
func talkWorkload(seed uint64, nWorker int) workload {
	return func(i int) (func() time.Duration, func() int) {
		pauses := rand.New(rand.NewPCG(seed, uint64(2*i+1)))
		work := rand.New(rand.NewPCG(seed, uint64(2*i+2)))
		pause := func() time.Duration { return time.Duration(pauses.Int64N(int64(nWorker) * 2 * int64(unit))) }
		op := func() int {
			n := time.Duration(work.Int64N(int64(unit))) // in nanoseconds, like the talk's rand.Int63n(int64(time.Second))
			time.Sleep(time.Duration(nWorker) * n)
			return int(n)
		}
		return pause, op
	}
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

// A measurement is what one policy gave over one run.
type measurement struct {
	roundRobin   bool
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
		pause, workFn := wl(i)
		requesters[i] = load{pause, workFn, func(_ int, d time.Duration) {
			latencies[i] = append(latencies[i], d)
		}}
	}
	loadBalance(b, n, requesters) // returns after every requester, the balancer and every worker are done
	all := slices.Concat(latencies...)
	slices.Sort(all)
	return measurement{roundRobin, sum / float64(max(events, 1)), all} // no events (no requests): variance 0
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

// writePolicyTable prints one line per policy: the mean variance of pending work
// across workers, and the latency of a request from send to answer.
func writePolicyTable(w io.Writer, results []measurement) {
	fmt.Fprintln(w, "variance: of pending requests across workers, after each event, averaged over the run")
	fmt.Fprintln(w, "latency: from a requester's send to its answer")
	fmt.Fprintf(w, "%-10s %8s %8s %10s %10s\n", "policy", "requests", "variance", "p50", "p99")
	for _, r := range results {
		fmt.Fprintf(w, "%-10s %8d %8.3f %10s %10s\n", map[bool]string{false: "heap", true: "roundrobin"}[r.roundRobin],
			len(r.latencies), r.meanVariance, percentile(r.latencies, 50), percentile(r.latencies, 99))
	}
}
