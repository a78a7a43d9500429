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
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

const (
	name  = "load_balancer"
	about = `load_balancer: requesters, a pool of workers and one balancer; the least loaded worker first (a heap) against round robin, measured
usage: go run ./summary/load_balancer [flags]`
)

// Changed: milliseconds for the talk's seconds, not the collection's usual
// tenth: at a tenth, a run of the talk's load would take about 15s.
const unit = time.Millisecond

const (
	maxRequesters = 1000
	maxWorkers    = 100
	maxRequests   = 1000
)

// run parses args and measures the balancer, writing what a reader sees to w.
func run(w io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	policy := fs.String("policy", "both", "how the balancer picks a worker: heap (least loaded), roundrobin, or both on the same workload")
	nRequester := fs.Int("requesters", 100, fmt.Sprintf("requesters, each with one request out at a time (1 to %d)", maxRequesters))
	nWorker := fs.Int("workers", 10, fmt.Sprintf("workers in the pool (1 to %d)", maxWorkers))
	n := fs.Int("n", 10, fmt.Sprintf("requests each requester sends (0 to %d)", maxRequests))
	seed := fs.Uint64("seed", 0, "seed for the requesters' pauses and work (0: pick one and print it)")
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := parseFlags(fs, w, about, args); err != nil {
		return err
	}
	policies := map[string][]bool{"heap": {false}, "roundrobin": {true}, "both": {false, true}}[*policy]
	switch {
	case policies == nil:
		return fmt.Errorf("-policy must be heap, roundrobin or both, got %q", *policy)
	case *nRequester < 1 || *nRequester > maxRequesters:
		return fmt.Errorf("-requesters must be between 1 and %d, got %d", maxRequesters, *nRequester)
	case *nWorker < 1 || *nWorker > maxWorkers:
		return fmt.Errorf("-workers must be between 1 and %d, got %d", maxWorkers, *nWorker)
	case *n < 0 || *n > maxRequests:
		return fmt.Errorf("-n must be between 0 and %d, got %d", maxRequests, *n)
	}
	picked := *seed == 0
	if picked {
		*seed = pickSeed()
	}
	if *traceFile != "" {
		stop, err := startTrace(*traceFile)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, stop()) }()
	}

	fmt.Fprintf(w, "load_balancer: %d requesters send %d requests each to %d workers (work up to %v, pauses up to %v)\n",
		*nRequester, *n, *nWorker, time.Duration(*nWorker)*unit, time.Duration(*nWorker)*2*unit)
	// The policies run side by side, each on its own copy of the same
	// workload (fresh random sources of the same seed): they share nothing.
	results := make([]measurement, len(policies))
	var wg sync.WaitGroup
	for i, roundRobin := range policies {
		wg.Go(func() {
			results[i] = measurePolicy(roundRobin, *nRequester, *nWorker, *n, talkWorkload(*seed, *nWorker))
		})
	}
	wg.Wait()
	writePolicyTable(w, results)
	if len(results) == 2 {
		fmt.Fprintln(w, verdict(results[0], results[1]))
	}
	if picked {
		printSeed(w, *seed)
	}
	return nil
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

// pickSeed returns a random seed other than 0, which means "pick one".
func pickSeed() uint64 {
	for {
		if s := rand.Uint64(); s != 0 {
			return s
		}
	}
}

// printSeed ends a run that picked its own seed with the line that replays it.
func printSeed(w io.Writer, seed uint64) {
	fmt.Fprintf(w, "seed %d: run again with -seed %d for the same random draws\n", seed, seed)
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
