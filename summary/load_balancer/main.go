package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/trace"
	"sync"
	"time"
)

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage printed to stdout, exit status 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "load_balancer: %v (see -h)\n", err) // exactly one line
		os.Exit(2)
	}
}

// The talk's constants, with milliseconds for its seconds.
const (
	unit          = time.Millisecond // the talk's time.Second
	maxRequesters = 1000
	maxWorkers    = 100
	maxRequests   = 1000
)

// config is what the flags choose.
type config struct {
	policy     string
	requesters int
	workers    int
	n          int
}

// run parses args and measures the balancer, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("load_balancer", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // main prints the one error line; -h prints usage below
	var c config
	fs.StringVar(&c.policy, "policy", "both", "how the balancer picks a worker: heap (least loaded), roundrobin, or both on the same workload")
	fs.IntVar(&c.requesters, "requesters", 100, fmt.Sprintf("requesters, each with one request out at a time (1 to %d)", maxRequesters))
	fs.IntVar(&c.workers, "workers", 10, fmt.Sprintf("workers in the pool (1 to %d)", maxWorkers))
	fs.IntVar(&c.n, "n", 10, fmt.Sprintf("requests each requester sends (0 to %d)", maxRequests))
	seed := fs.Uint64("seed", 0, "seed for the requesters' pauses and work (0: pick one and print it)")
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, "load_balancer: requesters, a pool of workers and one balancer; the least loaded worker first (a heap) against round robin, measured")
			fmt.Fprintln(w, "usage: go run ./summary/load_balancer [flags]")
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := c.validate(); err != nil {
		return err
	}
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			return fmt.Errorf("-trace: %v", err)
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			return fmt.Errorf("-trace: %v", err)
		}
		defer trace.Stop()
	}
	picked := *seed == 0
	if picked {
		*seed = pickSeed()
	}

	fmt.Fprintf(w, "load_balancer: %d requesters send %d requests each to %d workers (work up to %v, pauses up to %v)\n",
		c.requesters, c.n, c.workers, time.Duration(c.workers)*unit, time.Duration(c.workers)*2*unit)
	// The policies run side by side, each on its own copy of the same
	// workload (fresh random sources of the same seed): they share nothing.
	policies := c.policies()
	results := make([]result, len(policies))
	var wg sync.WaitGroup
	for i, roundRobin := range policies {
		wg.Go(func() { results[i] = measure(roundRobin, c.requesters, c.workers, c.n, talkWorkload(*seed, c.workers)) })
	}
	wg.Wait()
	writeTable(w, results)
	if len(results) == 2 {
		fmt.Fprintln(w, verdict(results[0], results[1]))
	}
	if picked {
		fmt.Fprintf(w, "seed %d: run again with -seed %d to replay\n", *seed, *seed)
	}
	return nil
}

// validate names the first flag whose value is out of bounds.
func (c config) validate() error {
	switch {
	case c.policy != "heap" && c.policy != "roundrobin" && c.policy != "both":
		return fmt.Errorf("-policy must be heap, roundrobin or both, got %q", c.policy)
	case c.requesters < 1 || c.requesters > maxRequesters:
		return fmt.Errorf("-requesters must be between 1 and %d, got %d", maxRequesters, c.requesters)
	case c.workers < 1 || c.workers > maxWorkers:
		return fmt.Errorf("-workers must be between 1 and %d, got %d", maxWorkers, c.workers)
	case c.n < 0 || c.n > maxRequests:
		return fmt.Errorf("-n must be between 0 and %d, got %d", maxRequests, c.n)
	}
	return nil
}

// policies lists the dispatch policies to measure, as values of
// Balancer.roundRobin: the heap first.
func (c config) policies() []bool {
	switch c.policy {
	case "heap":
		return []bool{false}
	case "roundrobin":
		return []bool{true}
	}
	return []bool{false, true}
}

// pickSeed returns a random seed, never 0 (which means "pick one").
func pickSeed() uint64 {
	for {
		if s := rand.Uint64(); s != 0 {
			return s
		}
	}
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
		pause := randomDuration(pauses, time.Duration(nWorker)*2*unit)
		op := func() int {
			n := randomDuration(work, unit)()
			time.Sleep(time.Duration(nWorker) * n)
			return int(n)
		}
		return pause, op
	}
}

// randomDuration returns a source of durations in [0, max), drawn in
// nanoseconds like the talk's rand.Int63n(int64(time.Second)).
func randomDuration(r *rand.Rand, max time.Duration) func() time.Duration {
	return func() time.Duration { return time.Duration(r.Int64N(int64(max))) }
}
