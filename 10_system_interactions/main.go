package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"runtime/trace"
	"time"
)

const (
	name  = "system_interactions"
	about = `system_interactions: the talk's fake Google search, version 1.0 to 3.0, then measured over many searches
usage: go run ./10_system_interactions [flags]`

	// maxLatency bounds the fake services' latency: the talk's 100ms.
	maxLatency = 100 * time.Millisecond
	// maxQueries bounds -queries: a 3.0 search runs 1 + 3×(1 + replicas)
	// goroutines, so 10,000 at once with 5 replicas are 190,000.
	maxQueries = 10_000
	// maxReplicas bounds -replicas (the talk has two).
	maxReplicas = 5
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

// run parses args, shows each version of the search, then the table; it
// returns only once every search it started has ended, the late ones too.
func run(w io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	queries := fs.Int("queries", 100, fmt.Sprintf("searches of each version run at once for the table (0 to %d; 0: no table)", maxQueries))
	replicas := fs.Int("replicas", 2, fmt.Sprintf("replicas of each service in 3.0 (1 to %d)", maxReplicas))
	seed := fs.Uint64("seed", 0, "seed for the fake latencies (0: pick one and print it)")
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := parseFlags(fs, w, about, args); err != nil {
		return err
	}
	if *queries < 0 || *queries > maxQueries {
		return fmt.Errorf("-queries must be between 0 and %d, got %d", maxQueries, *queries)
	}
	if *replicas < 1 || *replicas > maxReplicas {
		return fmt.Errorf("-replicas must be between 1 and %d, got %d", maxReplicas, *replicas)
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
	latency := latencies(*seed)
	// services makes fresh services whose every search reports its end.
	services := func(ended chan<- time.Time) *Services {
		s := newServices(w, *replicas, latency)
		track(s, ended)
		return s
	}
	// step shows one slide's program, which starts the given number of
	// searches, and waits until every one of them has ended.
	step := func(title string, searches int, show func(ended chan<- time.Time)) {
		fmt.Fprintf(w, "\n%s\n", title)
		ended := make(chan time.Time, searches) // room for every search: none waits to report
		start := time.Now()
		show(ended)
		last := waitForSearches(ended)
		fmt.Fprintf(w, "  %d searches started; all have ended, the last after %v\n", searches, last.Sub(start).Round(time.Microsecond))
	}

	fmt.Fprintf(w, "The talk's fake Google search, version by version, each asking for \"golang\" (services answer within %v):\n", maxLatency)
	step("Google Search 1.0: Web, Image and Video, one after another", 3, func(e chan<- time.Time) { search(w, services(e).Google10) })
	step("Google Search 2.0: all three at once", 3, func(e chan<- time.Time) { search(w, services(e).Google20) })
	step("Google Search 2.1: all three at once, waiting at most 80ms", 3, func(e chan<- time.Time) { search(w, services(e).Google21) })
	step("Using the First function: two replicas, the first answer wins", 2, func(e chan<- time.Time) {
		s := services(e)
		useFirst(w, tracked(s.fakeSearch("replica 1"), e), tracked(s.fakeSearch("replica 2"), e))
	})
	step(fmt.Sprintf("Google Search 3.0: 2.1 with the first of %d replicas of each service", *replicas), 3**replicas,
		func(e chan<- time.Time) { search(w, services(e).Google30) })
	step("Going further: 3.0 through FirstContext; the searches nobody waits for stop at once", 3**replicas,
		func(e chan<- time.Time) {
			c := newServices(w, *replicas, latency).withContext()
			trackContext(c, e)
			search(w, c.Google30Context)
		})

	if *queries > 0 {
		fmt.Fprintf(w, "\n%d searches of each version at once (services answer within %v; timeout 80ms; %d replicas in 3.0):\n",
			*queries, maxLatency, *replicas)
		ended := make(chan time.Time, *queries*(3+3+3+3**replicas))
		s := newServices(io.Discard, *replicas, latency) // a hundred "timed out"s would say nothing
		track(s, ended)
		printTable(w, []row{
			{"1.0", measure(s.Google10, *queries)},
			{"2.0", measure(s.Google20, *queries)},
			{"2.1", measure(s.Google21, *queries)},
			{"3.0", measure(s.Google30, *queries)},
		})
		done := time.Now()
		// 2.1's and 3.0's late searches are still running: wait for them.
		late := max(waitForSearches(ended).Sub(done), 0)
		fmt.Fprintf(w, "  %d searches started; the late ones ended %v after the table, and run waited for them\n", cap(ended), late.Round(time.Microsecond))
	}
	if picked {
		printSeed(w, *seed)
	}
	return nil
}

// waitForSearches receives the end of every search, as many as ended has
// room for, and returns when the last one ended.
func waitForSearches(ended <-chan time.Time) (last time.Time) {
	for range cap(ended) {
		if t := <-ended; t.After(last) { // two searches ending together may report in either order
			last = t
		}
	}
	return last
}

// tracked returns f that also sends the time it ended on ended.
func tracked(f Search, ended chan<- time.Time) Search {
	return func(query string) Result {
		defer func() { ended <- time.Now() }()
		return f(query)
	}
}

// track makes every service of s report its end on ended.
func track(s *Services, ended chan<- time.Time) {
	s.Web, s.Image, s.Video = tracked(s.Web, ended), tracked(s.Image, ended), tracked(s.Video, ended)
	for _, rs := range [][]Search{s.WebReplicas, s.ImageReplicas, s.VideoReplicas} {
		for i := range rs {
			rs[i] = tracked(rs[i], ended)
		}
	}
}

// trackContext makes every replica of c report its end on ended.
func trackContext(c *ContextServices, ended chan<- time.Time) {
	for _, rs := range [][]SearchContext{c.Web, c.Image, c.Video} {
		for i, f := range rs {
			rs[i] = func(ctx context.Context, query string) Result {
				defer func() { ended <- time.Now() }()
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
