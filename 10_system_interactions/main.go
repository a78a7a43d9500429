package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/trace"
	"time"
)

const (
	// maxLatency bounds the fake services' latency: the talk's 100ms.
	maxLatency = 100 * time.Millisecond
	// maxQueries bounds -queries: 3.0 runs 1 + 3×(1+replicas) goroutines a
	// search, so 10,000 searches at once with 5 replicas are 190,000
	// goroutines, about half a gigabyte.
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
		fmt.Fprintf(os.Stderr, "system_interactions: %v (see -h)\n", err) // exactly one line
		os.Exit(2)
	}
}

// config is what the flags ask for.
type config struct {
	queries, replicas int
	seed              uint64
	trace             string
}

// parse reads and validates args. On -h it prints the usage to w and returns
// flag.ErrHelp.
func parse(w io.Writer, args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("system_interactions", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself; main prints one line
	fs.IntVar(&c.queries, "queries", 100, fmt.Sprintf("searches of each version run at once for the table (0 to %d; 0: no table)", maxQueries))
	fs.IntVar(&c.replicas, "replicas", 2, fmt.Sprintf("replicas of each service in 3.0 (1 to %d)", maxReplicas))
	fs.Uint64Var(&c.seed, "seed", 0, "seed for the fake latencies (0: pick one and print it)")
	fs.StringVar(&c.trace, "trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, "system_interactions: the talk's fake Google search, version 1.0 to 3.0, then measured over many searches")
			fmt.Fprintln(w, "usage: go run ./10_system_interactions [flags]")
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		return c, err
	}
	switch {
	case c.queries < 0 || c.queries > maxQueries:
		return c, fmt.Errorf("-queries must be between 0 and %d, got %d", maxQueries, c.queries)
	case c.replicas < 1 || c.replicas > maxReplicas:
		return c, fmt.Errorf("-replicas must be between 1 and %d, got %d", maxReplicas, c.replicas)
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return c, nil
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) (err error) {
	c, err := parse(w, args)
	if err != nil {
		return err
	}
	if c.trace != "" {
		f, err := os.Create(c.trace)
		if err != nil {
			return fmt.Errorf("-trace: %w", err)
		}
		if err := trace.Start(f); err != nil {
			f.Close()
			return fmt.Errorf("-trace: %w", err)
		}
		defer func() {
			trace.Stop()
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("-trace: %w", cerr)
			}
		}()
	}
	seed, picked := c.seed, false
	if seed == 0 {
		seed, picked = pickSeed(), true
	}
	latency := latencies(seed)

	fmt.Fprintf(w, "The talk's fake Google search, version by version, each asking for \"golang\" (services answer within %v):\n", maxLatency)
	for _, st := range steps(c.replicas) {
		fmt.Fprintf(w, "\n%s\n", st.title)
		s := newServices(w, c.replicas, latency)
		// Every search of this step says when it ended: once all have,
		// no goroutine of the step is left.
		ended := make(chan time.Time, st.searches)
		track(s, ended)
		start := time.Now()
		st.show(s, w)
		if st.searches > 0 {
			var last time.Time
			for range st.searches {
				last = later(last, <-ended)
			}
			fmt.Fprintf(w, "  %d searches started; all have ended, the last after %v\n", st.searches, last.Sub(start).Round(time.Microsecond))
		}
	}
	if c.queries > 0 {
		fmt.Fprintf(w, "\n%d searches of each version at once (services answer within %v; timeout 80ms; %d replicas in 3.0):\n",
			c.queries, maxLatency, c.replicas)
		s := newServices(io.Discard, c.replicas, latency) // 100 "timed out"s would say nothing
		writeTable(w, []row{
			{"1.0", measure(s.Google10, c.queries)},
			{"2.0", measure(s.Google20, c.queries)},
			{"2.1", measure(s.Google21, c.queries)},
			{"3.0", measure(s.Google30, c.queries)},
		})
	}
	if picked {
		fmt.Fprintf(w, "seed %d: run again with -seed %d to replay\n", seed, seed)
	}
	return nil
}

// A step is one slide's program, as run shows it.
type step struct {
	title    string
	show     func(s *Services, w io.Writer) // the slide's main
	searches int                            // the searches it starts, tracked; 0: not tracked
}

// steps lists the slides' programs in the talk's order, with the number of
// searches each starts.
func steps(replicas int) []step {
	google := func(g func(*Services, string) []Result) func(*Services, io.Writer) {
		return func(s *Services, w io.Writer) {
			search(w, func(query string) []Result { return g(s, query) })
		}
	}
	return []step{
		{"Google Search 1.0: Web, Image and Video, one after another", google((*Services).Google10), 3},
		{"Google Search 2.0: all three at once", google((*Services).Google20), 3},
		{"Google Search 2.1: all three at once, waiting at most 80ms", google((*Services).Google21), 3},
		{"Using the First function: two replicas, the first answer wins", (*Services).useFirst, 0},
		{fmt.Sprintf("Google Search 3.0: 2.1 with the first of %d replicas of each service", replicas),
			google((*Services).Google30), 3 * replicas},
		{"Going further: 3.0 through FirstContext; the searches nobody waits for stop at once",
			google((*Services).Google30Context), 3 * replicas},
	}
}

// track makes every search of s (but for useFirst's, which it makes itself)
// send the time it ended on ended, which must have room for them all.
func track(s *Services, ended chan<- time.Time) {
	wrap := func(f Search) Search {
		return func(query string) Result {
			defer func() { ended <- time.Now() }()
			return f(query)
		}
	}
	s.Web, s.Image, s.Video = wrap(s.Web), wrap(s.Image), wrap(s.Video)
	for _, rs := range [][]Search{s.WebReplicas, s.ImageReplicas, s.VideoReplicas} {
		for i := range rs {
			rs[i] = wrap(rs[i])
		}
	}
	for _, rs := range [][]SearchContext{s.WebContext, s.ImageContext, s.VideoContext} {
		for i, f := range rs {
			rs[i] = func(ctx context.Context, query string) Result {
				defer func() { ended <- time.Now() }()
				return f(ctx, query)
			}
		}
	}
}

// later returns the later of a and b. (In virtual time the last time
// received is also the latest; in real time two searches ending together
// may send in either order.)
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// pickSeed returns a random seed other than 0, which means "pick one".
func pickSeed() uint64 {
	for {
		if s := rand.Uint64(); s != 0 {
			return s
		}
	}
}

// latencies returns the fake services' latency function for seed: a
// duration in [0, maxLatency) drawn from seed, the service's kind and the
// query, and from nothing else. So a run is reproducible however its
// goroutines are scheduled, and the services share no random source and
// need no lock. The latency is in nanoseconds, not the talk's whole
// milliseconds, so that two answers, or an answer and the 80ms timeout,
// practically never come at the same instant, which in virtual time would
// let the scheduler pick either order.
func latencies(seed uint64) func(kind, query string) time.Duration {
	return func(kind, query string) time.Duration {
		return time.Duration(mix(seed, kind, query) % uint64(maxLatency))
	}
}

// mix hashes seed, kind and query into 64 well-mixed bits (FNV-1a, then the
// SplitMix64 finaliser), without allocating.
func mix(seed uint64, kind, query string) uint64 {
	h := 14695981039346656037 ^ seed
	for _, s := range []string{kind, "\x00", query} {
		for i := range len(s) {
			h ^= uint64(s[i])
			h *= 1099511628211
		}
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}
