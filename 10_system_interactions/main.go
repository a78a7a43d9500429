package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

const (
	maxLatency  = 100 * time.Millisecond // the fake services answer within the talk's 100ms
	maxReplicas = 5                      // bounds -replicas (the talk has two)
)

func main() {
	replicas := flag.Int("replicas", 2, fmt.Sprintf("replicas of each service in 3.0 (1 to %d)", maxReplicas))
	seed := flag.Uint64("seed", 28, "seed for the services' latencies")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "The talk's fake Google search, version 1.0 to 3.0, each asked once.")
		fmt.Fprintln(os.Stderr, "usage: go run ./10_system_interactions [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := check(*replicas, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	show(os.Stdout, *replicas, *seed)
	ledger(os.Stdout, 100*time.Millisecond)
}

// check returns an error unless replicas is in range and no argument follows
// the flags.
func check(replicas int, args []string) error {
	switch {
	case replicas < 1 || replicas > maxReplicas:
		return fmt.Errorf("-replicas must be between 1 and %d, got %d", maxReplicas, replicas)
	case len(args) > 0:
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show is the whole program but its flags: each version of the search, with
// the latencies drawn from seed.
func show(w io.Writer, replicas int, seed uint64) {
	fmt.Fprintf(w, "The talk's fake Google search, version by version, each asking for \"golang\" (services answer within %v):\n", maxLatency)
	latency := latencies(seed)
	// step runs one slide's program on services of its own, whose searches
	// note their ends, then names those that answered late or stopped.
	step := func(title string, searches int, version func(*watched)) {
		fmt.Fprintf(w, "\n%s\n", title)
		s := watch(w, replicas, latency, searches)
		version(s)
		s.late(w)
	}
	step("Google Search 1.0: Web, Image and Video, one after another", 3, func(s *watched) { search(w, s.Google10) })
	step("Google Search 2.0: all three at once", 3, func(s *watched) { search(w, s.Google20) })
	step("Google Search 2.1: all three at once, waiting at most 80ms", 3, func(s *watched) { search(w, s.Google21) })
	step("Using the First function: two replicas, the first answer wins", 2, func(s *watched) {
		useFirst(w, s.report("replica 1", s.fakeSearch("replica 1")), s.report("replica 2", s.fakeSearch("replica 2")))
	})
	step(fmt.Sprintf("Google Search 3.0: 2.1 with the first of %d replicas of each service", replicas), 3*replicas,
		func(s *watched) { search(w, s.Google30) })
	step("Going further: 3.0 through FirstContext; the searches nobody waits for stop at once", 3*replicas,
		func(s *watched) {
			search(w, func(query string) []Result { return s.context.Google30Context(context.Background(), query) })
		})
}

// watched are services whose every search, once it ends, notes when.
type watched struct {
	*Services
	context *ContextServices // the same replicas, able to stop
	start   time.Time        // when watch made them
	running sync.WaitGroup   // the searches the step starts, until each has ended

	mu   sync.Mutex
	ends []end // guarded by mu
}

// An end is a search's end: which service, when, and whether it answered (a
// stopped search did not).
type end struct {
	kind     string
	at       time.Time
	answered bool
}

// watch makes services with the given replicas and latency whose searches,
// the given number of them, note their ends.
func watch(w io.Writer, replicas int, latency func(kind, query string) time.Duration, searches int) *watched {
	s := &watched{Services: newServices(w, replicas, latency), start: time.Now()}
	s.running.Add(searches)
	s.context = s.withContext()
	s.Web, s.Image, s.Video = s.report("web", s.Web), s.report("image", s.Image), s.report("video", s.Video)
	for i := range replicas {
		n := fmt.Sprint(i + 1)
		s.WebReplicas[i] = s.report("web"+n, s.WebReplicas[i])
		s.ImageReplicas[i] = s.report("image"+n, s.ImageReplicas[i])
		s.VideoReplicas[i] = s.report("video"+n, s.VideoReplicas[i])
		s.context.Web[i] = s.reportContext("web"+n, s.context.Web[i])
		s.context.Image[i] = s.reportContext("image"+n, s.context.Image[i])
		s.context.Video[i] = s.reportContext("video"+n, s.context.Video[i])
	}
	return s
}

// report returns search, which notes its end as kind's. It never waits.
func (s *watched) report(kind string, search Search) Search {
	return func(query string) Result {
		r := search(query)
		s.mu.Lock()
		s.ends = append(s.ends, end{kind, time.Now(), r != ""})
		s.mu.Unlock()
		s.running.Done()
		return r
	}
}

// reportContext is report for a SearchContext.
func (s *watched) reportContext(kind string, search SearchContext) SearchContext {
	return func(ctx context.Context, query string) Result {
		return s.report(kind, func(query string) Result { return search(ctx, query) })(query)
	}
}

// late, called as the version returns, waits until every search has ended
// (each ends within maxLatency: it answers, or stops when told). Then it
// names the searches that answered after the return (nobody reads those
// answers) and those that stopped without an answer, each with the time
// since watch.
func (s *watched) late(w io.Writer) {
	returned := time.Now()
	s.running.Wait() // after it, every end is in s.ends: no lock is needed
	slices.SortFunc(s.ends, func(a, b end) int { return cmp.Or(a.at.Compare(b.at), strings.Compare(a.kind, b.kind)) })
	var answered, stopped []string
	for _, e := range s.ends {
		at := fmt.Sprintf("%s at %v", e.kind, e.at.Sub(s.start).Round(100*time.Microsecond))
		if !e.answered {
			stopped = append(stopped, at)
		} else if e.at.After(returned) {
			answered = append(answered, at)
		}
	}
	if len(answered) > 0 {
		fmt.Fprintf(w, "  late answers, which nobody reads: %s\n", strings.Join(answered, ", "))
	}
	if len(stopped) > 0 {
		fmt.Fprintf(w, "  stopped without an answer: %s\n", strings.Join(stopped, ", "))
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
