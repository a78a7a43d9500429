// System_interactions builds the talk's fake Google search version by
// version, from slow, sequential and failure-sensitive to fast, concurrent,
// replicated and robust.
//
// Slides: "Systems software", "Example: Google Search", "Google Search: A fake
// framework", "Google Search: Test the framework", "Google Search 1.0",
// "Google Search 2.0", "Google Search 2.1", "Avoid timeout", "Using the First
// function", "Google Search 3.0", "And still…", "Summary" (Go Concurrency
// Patterns, 2012).
//
// What to notice: a Search is a function from a query to a Result, and
// fakeSearch makes one that answers after a latency under 100ms. Google 1.0
// asks Web, Image and Video one after another, so it takes the sum of their
// latencies. 2.0 asks all three at once and takes the largest. 2.1 waits at
// most 80ms, prints "timed out" and returns what came in time. First asks
// every replica and returns the fastest answer, so 3.0, which is 2.1 with
// every service replicated through First, is faster than 2.1 and complete far
// more often. No locks, no condition variables, no callbacks. The table the
// program prints after the versions (-queries, code in stats.go) measures
// that claim over many searches.
//
// Changed from the talk:
//   - 2.1, First and 3.0 make their result channel with room for every
//     sender. In the talk a search that answers after the caller has
//     returned blocks for ever on an unbuffered channel that nobody reads any
//     more; here it sends into the buffer and ends as soon as its latency is
//     over.
//   - The talk's package variables Web, Image, Video and Web1 … Video2 are
//     fields of a Services value that run (or a test) creates, and the versions
//     are its methods Google10 … Google30: each test gives every service an
//     exact latency. 3.0 has -replicas of each service (the talk: two).
//   - fakeSearch asks the value for its latency: run's is drawn from -seed, the
//     service and the query (main.go), so a run replays exactly; under 100ms
//     like the talk's rand.Intn(100) milliseconds, but to the nanosecond, so
//     that no two answers, and no answer and the timeout, coincide.
//   - Output goes to a writer (the talk: fmt.Println), "timed out" included.
//
// Going further, after 3.0: with buffers alone a late search still works
// until its latency is over. FirstContext and Google30Context cancel a
// context.Context (08 introduced it) as soon as they have what they wait for,
// so the losers stop at once.
package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

// A Result is one service's answer.
type Result string

// Services holds the talk's package variables as fields, so that every run
// and every test has its own.
type Services struct {
	Web, Image, Video Search
	// Changed: the talk's Web1, Web2, Image1, ...: -replicas of each.
	WebReplicas, ImageReplicas, VideoReplicas []Search
	// Going further (below): the replicas again, able to stop when told.
	WebContext, ImageContext, VideoContext []SearchContext

	latency func(kind, query string) time.Duration // how long a search takes: under 100ms
	w       io.Writer                              // where "timed out" goes
}

// newServices makes the fake services, as the talk's var blocks do.
func newServices(w io.Writer, replicas int, latency func(kind, query string) time.Duration) *Services {
	s := &Services{latency: latency, w: w}
	s.Web = s.fakeSearch("web")
	s.Image = s.fakeSearch("image")
	s.Video = s.fakeSearch("video")
	for i := range replicas {
		s.WebReplicas = append(s.WebReplicas, s.fakeSearch(fmt.Sprint("web", i+1)))
		s.ImageReplicas = append(s.ImageReplicas, s.fakeSearch(fmt.Sprint("image", i+1)))
		s.VideoReplicas = append(s.VideoReplicas, s.fakeSearch(fmt.Sprint("video", i+1)))
		s.WebContext = append(s.WebContext, s.fakeSearchContext(fmt.Sprint("web", i+1)))
		s.ImageContext = append(s.ImageContext, s.fakeSearchContext(fmt.Sprint("image", i+1)))
		s.VideoContext = append(s.VideoContext, s.fakeSearchContext(fmt.Sprint("video", i+1)))
	}
	return s
}

// A Search asks one service.
type Search func(query string) Result

// fakeSearch returns a Search that answers after its latency.
func (s *Services) fakeSearch(kind string) Search {
	return func(query string) Result {
		time.Sleep(s.latency(kind, query)) // Changed: the talk's rand.Intn(100) ms, injectable
		return Result(fmt.Sprintf("%s result for %q\n", kind, query))
	}
}

// search is the slides' main ("Google Search: Test the framework"): it runs
// one version of Google and prints the results and the time they took.
func search(w io.Writer, google func(query string) []Result) {
	start := time.Now()
	results := google("golang")
	elapsed := time.Since(start)
	fmt.Fprintln(w, results)
	fmt.Fprintln(w, elapsed)
}

// Google10 is Google Search 1.0: it asks Web, Image and Video one after
// another.
func (s *Services) Google10(query string) (results []Result) {
	results = append(results, s.Web(query))
	results = append(results, s.Image(query))
	results = append(results, s.Video(query))
	return
}

// Google20 is Google Search 2.0: it asks all three at once and waits for
// every result. Its channel needs no buffer: all three results are received.
func (s *Services) Google20(query string) (results []Result) {
	c := make(chan Result)
	go func() { c <- s.Web(query) }()
	go func() { c <- s.Image(query) }()
	go func() { c <- s.Video(query) }()

	for range 3 {
		result := <-c
		results = append(results, result)
	}
	return
}

// Google21 is Google Search 2.1: 2.0 that stops waiting for slow servers
// after 80ms.
func (s *Services) Google21(query string) (results []Result) {
	// Changed: room for all three, so that a search answering after the
	// timeout sends into the buffer and ends instead of blocking for ever.
	c := make(chan Result, 3)
	go func() { c <- s.Web(query) }()
	go func() { c <- s.Image(query) }()
	go func() { c <- s.Video(query) }()

	timeout := time.After(80 * time.Millisecond)
	for range 3 {
		select {
		case result := <-c:
			results = append(results, result)
		case <-timeout:
			fmt.Fprintln(s.w, "timed out")
			return
		}
	}
	return
}

// First sends the query to every replica and returns the first answer
// ("Avoid timeout").
func First(query string, replicas ...Search) Result {
	// Changed: room for every replica, so that the slower ones send into the
	// buffer and end. (First always receives one answer, so room for all but
	// one would do as well; "every sender" is the simpler rule.)
	c := make(chan Result, len(replicas))
	searchReplica := func(i int) { c <- replicas[i](query) }
	for i := range replicas {
		go searchReplica(i)
	}
	return <-c
}

// useFirst is the slide's main for "Using the First function".
func (s *Services) useFirst(w io.Writer) {
	start := time.Now()
	result := First("golang",
		s.fakeSearch("replica 1"),
		s.fakeSearch("replica 2"))
	elapsed := time.Since(start)
	fmt.Fprintln(w, result)
	fmt.Fprintln(w, elapsed)
}

// Google30 is Google Search 3.0: 2.1 with every service replicated, which
// reduces tail latency.
func (s *Services) Google30(query string) (results []Result) {
	c := make(chan Result, 3) // Changed: room for all three, as in 2.1
	go func() { c <- First(query, s.WebReplicas...) }()
	go func() { c <- First(query, s.ImageReplicas...) }()
	go func() { c <- First(query, s.VideoReplicas...) }()
	timeout := time.After(80 * time.Millisecond)
	for range 3 {
		select {
		case result := <-c:
			results = append(results, result)
		case <-timeout:
			fmt.Fprintln(s.w, "timed out")
			return
		}
	}
	return
}

// Going further: stop the losers at once.
//
// With the buffers above no goroutine outlives its work, but a search that
// nobody waits for any more still does all its work: a real server would
// spend that for nothing. A context tells it to stop. FirstContext cancels
// its context as soon as it has an answer, Google30Context as soon as it
// returns; the buffers stay, for the cancelled searches still send.

// A SearchContext is a Search that stops, returning an empty Result, as soon
// as ctx is done.
type SearchContext func(ctx context.Context, query string) Result

// fakeSearchContext returns a SearchContext that answers after its latency,
// unless ctx is done first.
func (s *Services) fakeSearchContext(kind string) SearchContext {
	return func(ctx context.Context, query string) Result {
		select {
		case <-time.After(s.latency(kind, query)):
			return Result(fmt.Sprintf("%s result for %q\n", kind, query))
		case <-ctx.Done():
			return "" // nobody waits for this answer any more
		}
	}
}

// FirstContext is First whose slower replicas stop as soon as it has its
// answer. If ctx is done first, it returns an empty Result.
func FirstContext(ctx context.Context, query string, replicas ...SearchContext) Result {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()                        // we have an answer: the others stop now
	c := make(chan Result, len(replicas)) // the stopped replicas still send
	searchReplica := func(i int) { c <- replicas[i](ctx, query) }
	for i := range replicas {
		go searchReplica(i)
	}
	return <-c
}

// Google30Context is 3.0 through FirstContext: when it returns, every search
// still running stops.
func (s *Services) Google30Context(query string) (results []Result) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()            // nobody will read the results still to come
	c := make(chan Result, 3) // the stopped searches still send
	go func() { c <- FirstContext(ctx, query, s.WebContext...) }()
	go func() { c <- FirstContext(ctx, query, s.ImageContext...) }()
	go func() { c <- FirstContext(ctx, query, s.VideoContext...) }()
	timeout := time.After(80 * time.Millisecond)
	for range 3 {
		select {
		case result := <-c:
			results = append(results, result)
		case <-timeout:
			fmt.Fprintln(s.w, "timed out")
			return
		}
	}
	return
}
