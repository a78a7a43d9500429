// Google Search grows here as it does in the talk, version by version, from
// slow, sequential and failure-sensitive to fast, concurrent, replicated and
// robust.
//
// Slides: "Systems software", "Example: Google Search", "Google Search: A fake
// framework", "Google Search: Test the framework", "Google Search 1.0",
// "Google Search 2.0", "Google Search 2.1", "Avoid timeout", "Using the First
// function", "Google Search 3.0", "And still…", "Summary" (Go Concurrency
// Patterns, 2012).
//
// Watch the times: 1.0 takes the sum of three latencies, 2.0 the largest, 2.1
// and 3.0 stop waiting at 80ms. A search that answers after its version has
// returned (2.1's when it times out, First's and 3.0's slower replicas) sends
// into a buffer nobody reads and ends. A test measures each version over
// 500 searches at once (go test -v -run ReplicationBeats ./10_system_interactions).
package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

// A Result is one service's answer.
type Result string

// Services are the fake search services.
// Changed: the talk's package variables Web, Image, Video and Web1 … Video2
// are fields, so each test, and each slide's program here, has services with
// latencies of its own.
type Services struct {
	Web, Image, Video                         Search
	WebReplicas, ImageReplicas, VideoReplicas []Search // 3.0's Web1, Web2, ...: -replicas of each

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
	}
	return s
}

// A Search asks one service.
type Search func(query string) Result

// fakeSearch returns a Search that answers after its latency.
func (s *Services) fakeSearch(kind string) Search {
	return func(query string) Result {
		// Changed: the latency is s.latency's (the talk: rand.Intn(100) ms), so
		// a caller chooses it.
		time.Sleep(s.latency(kind, query))
		return Result(fmt.Sprintf("%s result for %q\n", kind, query))
	}
}

// search is the slides' main ("Google Search: Test the framework"): it runs
// one version of Google and prints the results and the time they took.
// Changed: the version is an argument, so that one program runs them all.
func search(w io.Writer, google func(query string) []Result) {
	start := time.Now()
	results := google("golang")
	elapsed := time.Since(start)
	fmt.Fprintln(w, results)
	fmt.Fprintln(w, elapsed)
}

// Google10 is Google Search 1.0: it asks Web, Image and Video one after
// another.
// Changed: each slide's program has its own func Google; here the versions
// are methods Google10 … Google30 of Services, side by side in one program.
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
	// buffer and end. (Room for all but one would do: First takes one answer.)
	c := make(chan Result, len(replicas))
	searchReplica := func(i int) { c <- replicas[i](query) }
	for i := range replicas {
		go searchReplica(i)
	}
	return <-c
}

// useFirst is the slide's main for "Using the First function".
// Changed: the replicas are arguments (the talk: fakeSearch("replica 1") and
// fakeSearch("replica 2") in place), so a caller chooses them.
func useFirst(w io.Writer, replica1, replica2 Search) {
	start := time.Now()
	result := First("golang", replica1, replica2)
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
// nobody waits for any more still does all of it: a real server would spend
// that for nothing. A context (08 introduced it) tells it to stop.
// Google30Context takes its caller's context and gives up when it is done or
// 80ms have passed; FirstContext cancels its replicas' context as soon as it
// has an answer or gives up. The buffers stay, for the stopped searches still
// send.

// A SearchContext is a Search that stops, returning an empty Result, as soon
// as ctx is done.
type SearchContext func(ctx context.Context, query string) Result

// ContextServices are 3.0's replicas again, each able to stop when told.
type ContextServices struct {
	Web, Image, Video []SearchContext
	w                 io.Writer // where "stopped: …" goes
}

// withContext makes s's replicas again as SearchContexts, with the same
// names and so the same latencies.
func (s *Services) withContext() *ContextServices {
	c := &ContextServices{w: s.w}
	for i := range s.WebReplicas {
		c.Web = append(c.Web, s.fakeSearchContext(fmt.Sprint("web", i+1)))
		c.Image = append(c.Image, s.fakeSearchContext(fmt.Sprint("image", i+1)))
		c.Video = append(c.Video, s.fakeSearchContext(fmt.Sprint("video", i+1)))
	}
	return c
}

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
// answer. Once ctx is done it returns an empty Result at once, whatever its
// replicas do (with none, that is all it can do).
func FirstContext(ctx context.Context, query string, replicas ...SearchContext) Result {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()                        // we have an answer or give up: the others stop now
	c := make(chan Result, len(replicas)) // the stopped replicas still send
	searchReplica := func(i int) { c <- replicas[i](ctx, query) }
	for i := range replicas {
		go searchReplica(i)
	}
	select {
	case r := <-c:
		return r
	case <-ctx.Done():
		return ""
	}
}

// Google30Context is 3.0 through FirstContext, within its caller's ctx: it
// gives up when ctx is done or after 80ms, and when it returns every search
// still running stops.
func (s *ContextServices) Google30Context(ctx context.Context, query string) (results []Result) {
	ctx, cancel := context.WithTimeout(ctx, 80*time.Millisecond)
	defer cancel()            // nobody will read the results still to come
	c := make(chan Result, 3) // the stopped searches still send
	go func() { c <- FirstContext(ctx, query, s.Web...) }()
	go func() { c <- FirstContext(ctx, query, s.Image...) }()
	go func() { c <- FirstContext(ctx, query, s.Video...) }()
	for len(results) < 3 {
		select {
		case result := <-c:
			if result != "" { // empty: its FirstContext gave up, for ctx is done
				results = append(results, result)
			}
		case <-ctx.Done():
			fmt.Fprintln(s.w, "stopped:", ctx.Err())
			return
		}
	}
	return
}
