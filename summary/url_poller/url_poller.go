// The URL poller sends HTTP HEAD requests to a few URLs and reports their
// status, sharing memory by communicating: each piece of data belongs to one
// goroutine at a time and moves to the next on a channel, so nothing needs a
// lock.
//
// Source: the Go codewalk "Share Memory by Communicating"
// (go.dev/doc/codewalk/sharemem), named after the proverb on the talk's slide
// "The Go approach": "Don't communicate by sharing memory, share memory by
// communicating."
//
// Watch the output. A *Resource is owned by whoever holds it (a Poller while
// it polls, a Sleep goroutine while it waits, a channel in between), so Poll
// changes errCount without a lock. StateMonitor's map is local to its
// goroutine, which reports the whole map when a status has changed. Only
// connection errors back off: the server that is down is polled 350ms, then
// 450ms after its errors, while any HTTP response, a 404 or a 500 included,
// sets the count back to 0, as the report at 900ms shows once it is up.
// numPollers goroutines poll however many URLs there are. When the run ends,
// every goroutine has returned.
package main

import (
	"context"
	"log"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Changed: the codewalk's 60s, 10s and 10s are scaled down, so that a
// one-second run shows several polls, the backoff and three reports.
const (
	numPollers     = 2                      // number of Poller goroutines to launch
	pollInterval   = 250 * time.Millisecond // how often to poll each URL (codewalk: 60s)
	statusInterval = 300 * time.Millisecond // how often to log status (codewalk: 10s)
	errTimeout     = 100 * time.Millisecond // back-off timeout on error (codewalk: 10s)
)

// State represents the last-known state of a URL.
type State struct {
	url    string
	status string
}

// StateMonitor maintains a map that stores the state of the URLs being
// polled, and prints the current state every updateInterval in which one has
// changed. It returns a chan State to which resource state should be sent.
func StateMonitor(ctx context.Context, wg *sync.WaitGroup, l *log.Logger, updateInterval time.Duration) chan<- State {
	updates := make(chan State)
	ticker := time.NewTicker(updateInterval)
	wg.Go(func() { // Changed: counted, so that poll returns only when it has ended.
		defer ticker.Stop()                  // Changed: the ticker stops when the goroutine ends.
		urlStatus := make(map[string]string) // Changed: made here, not before the goroutine, so no one else can name it.
		changed := false                     // Changed: a report only when a status has changed, so each shows something new.
		for {
			select {
			case <-ticker.C:
				if changed {
					logState(l, urlStatus)
					changed = false
				}
			case s := <-updates:
				changed = changed || urlStatus[s.url] != s.status
				urlStatus[s.url] = s.status
			case <-ctx.Done(): // Changed: end when poll stops.
				return
			}
		}
	})
	return updates
}

// logState prints a state map.
func logState(l *log.Logger, s map[string]string) {
	l.Println("Current state:")
	for _, k := range slices.Sorted(maps.Keys(s)) { // Changed: sorted, so that reports are easy to compare.
		l.Printf(" %s %s", k, s[k])
	}
}

// Resource represents an HTTP URL to be polled by this program.
type Resource struct {
	url      string
	errCount int
}

// Head makes an HTTP HEAD request for url with ctx, like http.Head.
type Head func(ctx context.Context, url string) (*http.Response, error)

// Poll executes an HTTP HEAD request for url and returns the HTTP status
// string or an error string.
func (r *Resource) Poll(ctx context.Context, head Head, l *log.Logger) string {
	// Changed: head instead of http.Head: ctx abandons it when poll stops, and
	// httpHead (main.go) bounds what a misbehaving server can make it wait for.
	resp, err := head(ctx, r.url)
	if err != nil {
		if ctx.Err() != nil { // Changed: we are stopping; not a connection error.
			return err.Error()
		}
		r.errCount++
		// Changed: the count and the next pause, so the backoff shows.
		l.Printf("Error %s %v: %d in a row, next poll in %v", r.url, err, r.errCount, pollInterval+errTimeout*time.Duration(r.errCount))
		return err.Error()
	}
	resp.Body.Close() // Changed: closed, as every response's body must be (a HEAD response's is empty).
	r.errCount = 0
	return resp.Status
}

// Sleep sleeps for an appropriate interval (dependent on error state) before
// sending the Resource to done.
func (r *Resource) Sleep(ctx context.Context, done chan<- *Resource) {
	select {
	case <-time.After(pollInterval + errTimeout*time.Duration(r.errCount)):
	case <-ctx.Done(): // Changed: stop sleeping.
		return
	}
	select {
	case done <- r:
	case <-ctx.Done(): // Changed: nobody may be receiving any more.
	}
}

// Poller takes resources from in, polls each, reports its state and passes it
// on to out.
func Poller(ctx context.Context, in <-chan *Resource, out chan<- *Resource, status chan<- State, head Head, l *log.Logger) {
	for {
		var r *Resource
		select { // Changed: the codewalk's for r := range in, which never ends.
		case r = <-in:
		case <-ctx.Done():
			return
		}
		s := r.Poll(ctx, head, l)
		select {
		case status <- State{r.url, s}:
		case <-ctx.Done(): // Changed: the monitor may have stopped.
			return
		}
		select {
		case out <- r:
		case <-ctx.Done(): // Changed: poll may have stopped receiving.
			return
		}
	}
}

// poll is the codewalk's main: it polls urls until ctx is done, then returns
// once every goroutine it started has ended.
func poll(ctx context.Context, l *log.Logger, urls []string, head Head) {
	var wg sync.WaitGroup // Changed: counts every goroutine below.
	defer wg.Wait()

	// Create our input and output channels.
	pending, complete := make(chan *Resource), make(chan *Resource)

	// Launch the StateMonitor.
	status := StateMonitor(ctx, &wg, l, statusInterval)

	// Launch some Poller goroutines.
	for range numPollers {
		wg.Go(func() { Poller(ctx, pending, complete, status, head, l) })
	}

	// Send some Resources to the pending queue.
	wg.Go(func() {
		for _, url := range urls {
			select {
			case pending <- &Resource{url: url}:
			case <-ctx.Done(): // Changed: end when poll stops.
				return
			}
		}
	})

	for {
		select { // Changed: the codewalk's for r := range complete, which never ends.
		case r := <-complete:
			wg.Go(func() { r.Sleep(ctx, pending) })
		case <-ctx.Done():
			return // the deferred wg.Wait waits for every goroutine to see it
		}
	}
}
