package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

func main() {
	policy := flag.String("policy", "both", "how the balancer picks a worker: heap (least loaded), roundrobin, or both on the same workload")
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
	if err := check(*policy, *nRequester, *nWorker, *n, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	show(os.Stdout, roundRobins(*policy), *nRequester, *nWorker, *n, *seed)
	ledger(os.Stdout, 100*time.Millisecond)
}

// roundRobins returns the balancers -policy runs, each roundRobin or not; nil
// for no known policy.
func roundRobins(policy string) []bool {
	switch policy {
	case "heap":
		return []bool{false}
	case "roundrobin":
		return []bool{true}
	case "both":
		return []bool{false, true}
	}
	return nil
}

// check returns an error unless every value is in range and no argument
// follows the flags.
func check(policy string, nRequester, nWorker, n int, args []string) error {
	switch {
	case roundRobins(policy) == nil:
		return fmt.Errorf("-policy must be heap, roundrobin or both, got %q", policy)
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

// show is the whole program but its flags: each policy (roundRobin or not)
// measured on the talk's workload drawn from seed, and the table.
func show(w io.Writer, roundRobin []bool, nRequester, nWorker, n int, seed uint64) {
	fmt.Fprintf(w, "load_balancer: %d requesters send %d requests each to %d workers (work up to %v, pauses up to %v)\n",
		nRequester, n, nWorker, time.Duration(nWorker)*unit, time.Duration(nWorker)*2*unit)
	// The policies run side by side, each on its own copy of the same
	// workload (fresh random sources of the same seed): they share nothing.
	results := make([]measurement, len(roundRobin))
	var wg sync.WaitGroup
	for i, rr := range roundRobin {
		wg.Go(func() { results[i] = measurePolicy(rr, nRequester, nWorker, n, talkWorkload(seed, nWorker)) })
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
}
