package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"runtime/trace"
	"slices"
	"sync"
	"time"
)

const (
	name  = "system_interactions"
	about = `system_interactions: the talk's fake Google search, version 1.0 to 3.0, then measured over many searches; the seed draws the latencies
usage: go run ./10_system_interactions [flags]`

	maxLatency = 100 * time.Millisecond // the fake services answer within the talk's 100ms
	// maxQueries bounds -queries: a 3.0 search runs 1 + 3×(1 + replicas)
	// goroutines, so 10,000 at once with 5 replicas are 190,000.
	maxQueries  = 10_000
	maxReplicas = 5 // bounds -replicas (the talk has two)
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) { // -h: exit status 0
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

// run parses args, shows each version of the search, then the table; it
// returns only once every search it started has ended, the late ones too.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	queries := fs.Int("queries", 100, fmt.Sprintf("searches of each version run at once for the table (0 to %d; 0: no table)", maxQueries))
	replicas := fs.Int("replicas", 2, fmt.Sprintf("replicas of each service in 3.0 (1 to %d)", maxReplicas))
	var seed uint64
	return command(fs, w, args, &seed, func() error {
		return cmp.Or(between("-queries", *queries, 0, maxQueries), between("-replicas", *replicas, 1, maxReplicas))
	}, func() error {
		s := newServices(w, *replicas, latencies(seed))
		c := s.withContext()
		var searching sync.WaitGroup // the searches started and not yet ended
		track(&searching, s, c)
		// step shows one slide's program, which starts the given number of
		// searches, then waits for every one of them and says how much later than
		// the program's return the last ended.
		step := func(title string, searches int, show func()) {
			fmt.Fprintf(w, "\n%s\n", title)
			searching.Add(searches)
			show()
			returned := time.Now()
			searching.Wait()
			fmt.Fprintf(w, "  %d searches started; the last ended %v later, and run waited for it\n", searches, time.Since(returned).Round(time.Microsecond))
		}

		fmt.Fprintf(w, "The talk's fake Google search, version by version, each asking for \"golang\" (services answer within %v):\n", maxLatency)
		step("Google Search 1.0: Web, Image and Video, one after another", 3, func() { search(w, s.Google10) })
		step("Google Search 2.0: all three at once", 3, func() { search(w, s.Google20) })
		step("Google Search 2.1: all three at once, waiting at most 80ms", 3, func() { search(w, s.Google21) })
		step("Using the First function: two replicas, the first answer wins", 2, func() {
			useFirst(w, tracked(s.fakeSearch("replica 1"), &searching), tracked(s.fakeSearch("replica 2"), &searching))
		})
		step(fmt.Sprintf("Google Search 3.0: 2.1 with the first of %d replicas of each service", *replicas), 3**replicas,
			func() { search(w, s.Google30) })
		step("Going further: 3.0 through FirstContext; the searches nobody waits for stop at once", 3**replicas,
			func() { search(w, c.Google30Context) })
		if *queries > 0 {
			title := fmt.Sprintf("%d searches of each version at once (services answer within %v; timeout 80ms; %d replicas in 3.0):",
				*queries, maxLatency, *replicas)
			step(title, *queries*(3+3+3+3**replicas), func() {
				s.w = io.Discard // a hundred "timed out"s would say nothing
				table(w, s, *queries)
			})
		}
		return nil
	})
}

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

// tracked returns f that also tells searching when it ends.
func tracked(f Search, searching *sync.WaitGroup) Search {
	return func(query string) Result {
		defer searching.Done()
		return f(query)
	}
}

// track makes every search of s and of c tell searching when it ends.
func track(searching *sync.WaitGroup, s *Services, c *ContextServices) {
	s.Web, s.Image, s.Video = tracked(s.Web, searching), tracked(s.Image, searching), tracked(s.Video, searching)
	for _, rs := range [][]Search{s.WebReplicas, s.ImageReplicas, s.VideoReplicas} {
		for i := range rs {
			rs[i] = tracked(rs[i], searching)
		}
	}
	for _, rs := range [][]SearchContext{c.Web, c.Image, c.Video} {
		for i, f := range rs {
			rs[i] = func(ctx context.Context, query string) Result {
				defer searching.Done()
				return f(ctx, query)
			}
		}
	}
}

// latencies returns the fake services' latency function for seed: a
// duration in [0, maxLatency) drawn from seed, the service's kind and the
// query, and from nothing else, so a run replays the same latencies however
// its goroutines are scheduled, and the services share no random source. It
// is in nanoseconds, not the talk's whole milliseconds, so that two answers,
// or an answer and the 80ms timeout, practically never fall on one instant,
// where virtual time would let the scheduler pick either order.
func latencies(seed uint64) func(kind, query string) time.Duration {
	return func(kind, query string) time.Duration {
		h := fnv.New64a()
		fmt.Fprintf(h, "%s\x00%s", kind, query) // the zero byte keeps "web"+"1x" apart from "web1"+"x"
		return time.Duration(rand.New(rand.NewPCG(seed, h.Sum64())).Int64N(int64(maxLatency)))
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
