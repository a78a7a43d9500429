// System_interactions builds the talk's fake Google search four times, from
// slow, sequential and failure-sensitive to fast, concurrent, replicated and
// robust, and measures the difference.
//
// Slides: "Systems software", "Example: Google Search", "Google Search: A fake
// framework", "Google Search: Test the framework", "Google Search 1.0",
// "Google Search 2.0", "Google Search 2.1", "Avoid timeout", "Using the First
// function", "Google Search 3.0", "And still…", "Summary" (Go Concurrency
// Patterns, 2012).
//
// A Search is a function from a query to a Result; fakeSearch makes one that
// answers after a random latency under 100ms. Google 1.0 asks the Web, Image
// and Video services one after another: it takes the sum of their latencies.
// 2.0 asks all three at once and gathers their results from a channel: it
// takes the largest. 2.1 stops waiting after -timeout (80ms) and returns
// what it has; late results are dropped. First asks every replica of a
// service and keeps the fastest answer, so 3.0, which is 2.1 with every
// service replicated through First, is faster than 2.1 and complete far more often.
// No locks, no condition variables, no callbacks.
//
// -queries N runs N searches of each version at once and prints, for each,
// the share of searches that came back complete (all three kinds) and the
// latency percentiles, so the talk's claim becomes a measurement.
//
// Changed from the talk: in the talk, the searches that lose (2.1's late ones,
// First's slower replicas) stay blocked for ever on an unbuffered channel
// that nobody reads any more. Here 2.1, 3.0 and First do two things: every
// result channel has room for every sender, so no send ever blocks, and a
// Search takes a context.Context that is cancelled when the search returns,
// so a search nobody waits for stops at once. With buffers alone a late
// search would still finish its work before ending; with cancelling alone it
// would stop working but block on its send. Together no goroutine outlives
// its search. The services are passed in a Backends value instead of package
// variables, so tests can give them exact latencies.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"
)

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage already printed
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "system_interactions:", err)
		os.Exit(2)
	}
}

// maxLatency is the fake services' latency bound, the talk's 100ms.
const maxLatency = 100 * time.Millisecond

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("system_interactions", flag.ContinueOnError)
	version := fs.String("version", "all", "which version to run: 1.0, 2.0, 2.1, 3.0 or all")
	timeout := fs.Duration("timeout", 80*time.Millisecond, "how long 2.1 and 3.0 wait for results")
	replicas := fs.Int("replicas", 2, "replicas of each service in 3.0")
	queries := fs.Int("queries", 100, "searches of each version to run at once for the table (0: no table)")
	query := fs.String("query", "golang", "the query to search for")
	seed := fs.Uint64("seed", 0, "seed for the fake latencies (0: different every run)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	versions := allVersions
	if *version != "all" {
		versions = nil
		for _, v := range allVersions {
			if v.name == *version {
				versions = append(versions, v)
			}
		}
	}
	switch {
	case len(versions) == 0:
		return fmt.Errorf("-version must be 1.0, 2.0, 2.1, 3.0 or all, got %q", *version)
	case *timeout <= 0:
		return fmt.Errorf("-timeout must be positive, got %v", *timeout)
	case *replicas < 1:
		return fmt.Errorf("-replicas must be at least 1, got %d", *replicas)
	case *queries < 0:
		return fmt.Errorf("-queries must be at least 0, got %d", *queries)
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *seed == 0 {
		*seed = rand.Uint64()
	}
	b := newBackends(*seed, *replicas, *timeout)

	for _, v := range versions {
		fmt.Fprintf(w, "Google Search %s: %s\n", v.name, v.describe(b))
		start := time.Now()
		results := v.google(b, *query)
		elapsed := time.Since(start)
		for _, r := range results {
			fmt.Fprintf(w, "  %s", r) // a Result ends in a newline, as in the talk
		}
		if len(results) < 3 {
			fmt.Fprintln(w, "  timed out")
		}
		fmt.Fprintf(w, "  %v\n\n", elapsed.Round(time.Millisecond/10))
	}
	if *queries > 0 {
		fmt.Fprintf(w, "%d searches of each version at once (services answer within %v; timeout %v; %d replicas in 3.0):\n",
			*queries, maxLatency, *timeout, *replicas)
		writeTable(w, b, versions, *queries)
	}
	return nil
}

// A Result is one service's answer, as in the talk.
type Result string

// A Search asks one service. It returns early, with an empty Result, only
// when ctx is done, which happens only once nobody waits for its answer.
type Search func(ctx context.Context, query string) Result

// fakeSearch returns a Search for the given kind of result that answers
// after latency(query), as the talk's fake framework does.
func fakeSearch(kind string, latency func(query string) time.Duration) Search {
	return func(ctx context.Context, query string) Result {
		select {
		case <-time.After(latency(query)): // the talk: time.Sleep(...)
		case <-ctx.Done():
			return "" // nobody waits for this answer any more: stop working
		}
		return Result(fmt.Sprintf("%s result for %q\n", kind, query))
	}
}

// Backends are the services a Google version asks, and how long it waits.
type Backends struct {
	Web, Image, Video                         Search   // one server each, for 1.0 to 2.1
	WebReplicas, ImageReplicas, VideoReplicas []Search // for 3.0
	Timeout                                   time.Duration
}

// newBackends makes fake services whose latencies, under maxLatency, are
// drawn from seed, the service's name and the query. A latency depends on
// nothing else, so a run is reproducible however its goroutines are
// scheduled, and the services need no lock.
func newBackends(seed uint64, replicas int, timeout time.Duration) *Backends {
	service := func(name string) Search {
		return fakeSearch(name, func(query string) time.Duration {
			return time.Duration(mix(seed, name, query) % uint64(maxLatency))
		})
	}
	replicated := func(kind string) []Search {
		s := make([]Search, replicas)
		for i := range s {
			s[i] = service(fmt.Sprintf("%s%d", kind, i+1))
		}
		return s
	}
	return &Backends{
		Web: service("web"), Image: service("image"), Video: service("video"),
		WebReplicas: replicated("web"), ImageReplicas: replicated("image"), VideoReplicas: replicated("video"),
		Timeout: timeout,
	}
}

// mix hashes seed, name and query into 64 well-mixed bits (FNV-1a, then
// the SplitMix64 finaliser), without allocating.
func mix(seed uint64, name, query string) uint64 {
	h := 14695981039346656037 ^ seed
	for _, s := range []string{name, "\x00", query} {
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

// Google10 is Google Search 1.0: ask each service in turn.
func (b *Backends) Google10(query string) (results []Result) {
	// Nothing is abandoned here, so nothing needs cancelling.
	ctx := context.Background()
	results = append(results, b.Web(ctx, query))
	results = append(results, b.Image(ctx, query))
	results = append(results, b.Video(ctx, query))
	return results
}

// Google20 is Google Search 2.0: ask all three at once and gather the
// results as they come.
func (b *Backends) Google20(query string) (results []Result) {
	ctx := context.Background() // every search is waited for
	c := make(chan Result)
	go func() { c <- b.Web(ctx, query) }()
	go func() { c <- b.Image(ctx, query) }()
	go func() { c <- b.Video(ctx, query) }()
	for range 3 {
		results = append(results, <-c)
	}
	return results
}

// Google21 is Google Search 2.1: 2.0, but it waits at most b.Timeout and
// returns the results that came in time.
func (b *Backends) Google21(query string) (results []Result) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // the searches still running stop: nobody will read them
	// Room for all three results: a search that answers after the timeout
	// sends into the buffer and ends, instead of blocking for ever.
	c := make(chan Result, 3)
	go func() { c <- b.Web(ctx, query) }()
	go func() { c <- b.Image(ctx, query) }()
	go func() { c <- b.Video(ctx, query) }()
	return gather(c, 3, time.After(b.Timeout))
}

// Google30 is Google Search 3.0: 2.1, with every service replicated and
// asked through First.
func (b *Backends) Google30(query string) (results []Result) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()            // First's searches still running stop
	c := make(chan Result, 3) // room for all three, as in 2.1
	go func() { c <- First(ctx, query, b.WebReplicas...) }()
	go func() { c <- First(ctx, query, b.ImageReplicas...) }()
	go func() { c <- First(ctx, query, b.VideoReplicas...) }()
	return gather(c, 3, time.After(b.Timeout))
}

// gather receives up to n results from c, until timeout fires.
func gather(c <-chan Result, n int, timeout <-chan time.Time) (results []Result) {
	for range n {
		select {
		case r := <-c:
			results = append(results, r)
		case <-timeout: // the one timer for the whole search
			return results
		}
	}
	return results
}

// First asks every replica and returns the first answer. It needs at least
// one replica.
func First(ctx context.Context, query string, replicas ...Search) Result {
	if len(replicas) == 0 {
		panic("First: no replicas")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // the slower replicas stop: we have our answer
	// Room for every replica's answer: the losers' sends never block, so
	// their goroutines end (the talk's unbuffered channel kept them for ever).
	c := make(chan Result, len(replicas))
	for _, replica := range replicas {
		go func() { c <- replica(ctx, query) }()
	}
	return <-c
}

// A version is one of the talk's Google functions, with a few words on it.
type version struct {
	name     string
	google   func(b *Backends, query string) []Result
	describe func(b *Backends) string
}

var allVersions = []version{
	{"1.0", (*Backends).Google10, func(*Backends) string { return "one service after another" }},
	{"2.0", (*Backends).Google20, func(*Backends) string { return "all services at once" }},
	{"2.1", (*Backends).Google21, func(b *Backends) string {
		return fmt.Sprintf("all at once, at most %v", b.Timeout)
	}},
	{"3.0", (*Backends).Google30, func(b *Backends) string {
		return fmt.Sprintf("all at once, the first of %d replicas each, at most %v", len(b.WebReplicas), b.Timeout)
	}},
}
