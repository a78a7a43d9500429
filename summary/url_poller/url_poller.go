// Url_poller polls a few URLs with HTTP HEAD requests and reports their
// status, sharing memory by communicating: each piece of data belongs to one
// goroutine at a time and moves to the next on a channel, so nothing needs a
// lock.
//
// Source: the Go codewalk "Share Memory by Communicating"
// (go.dev/doc/codewalk/sharemem), which the talk's proverb "Don't communicate
// by sharing memory, share memory by communicating" names.
//
// What to notice:
//   - A *Resource is owned by whoever holds it: a Poller while it polls, a
//     Sleep goroutine while it waits, a channel in between. Poll changes
//     errCount without a lock because no one else can reach the resource then.
//   - StateMonitor's map is a local variable of its goroutine: no other
//     goroutine can reach it. Pollers send State values; the monitor applies
//     them and prints the whole map every statusInterval.
//   - Sleep backs off: pollInterval plus errTimeout for each connection error
//     in a row. Any HTTP response, a 404 or a 500 included, sets errCount back
//     to 0: the server answered.
//   - numPollers goroutines poll however many URLs there are: the channels
//     between them, not a lock, decide who polls what.
//
// Changed from the codewalk:
//   - The constants are scaled down so that a one-second run shows several
//     polls, the backoff and three reports: pollInterval 250ms (60s in the
//     codewalk), statusInterval 300ms (10s), errTimeout 100ms (10s).
//   - The codewalk's main loops forever. Here poll stops when ctx is done:
//     every blocking step (a Poller's receive and sends, Sleep's wait and
//     send, the feeder's send, the monitor's select) also waits on
//     ctx.Done(), the HEAD request is made with ctx so that a slow one is
//     abandoned, and a sync.WaitGroup counts every goroutine so that poll
//     returns only when all have ended.
//   - Poll's HEAD request goes through head, a function (real HTTP in
//     main.go, a fake in the tests, which then choose exact latencies), and
//     Poll closes the response body. An error caused by the stop is not a
//     connection error: Poll neither logs it nor counts it.
//   - The monitor's map is made inside its goroutine (the codewalk makes it
//     just before starting the goroutine); it prints with the URLs sorted, so
//     that reports are easy to compare; output goes to a *log.Logger on the
//     program's writer (the log package serialises writes from the monitor
//     and the pollers).
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
// polled, and prints the current state every updateInterval. It returns a
// chan State to which resource state should be sent.
func StateMonitor(ctx context.Context, wg *sync.WaitGroup, l *log.Logger, updateInterval time.Duration) chan<- State {
	updates := make(chan State)
	ticker := time.NewTicker(updateInterval)
	wg.Go(func() { // Changed: counted, so that poll can wait for it.
		defer ticker.Stop()
		urlStatus := make(map[string]string) // Changed: local to this goroutine, its only user.
		for {
			select {
			case <-ticker.C:
				logState(l, urlStatus)
			case s := <-updates:
				urlStatus[s.url] = s.status
			case <-ctx.Done(): // Changed: stop.
				return
			}
		}
	})
	return updates
}

// logState prints a state map.
func logState(l *log.Logger, s map[string]string) {
	l.Println("Current state:")
	for _, k := range slices.Sorted(maps.Keys(s)) { // Changed: sorted.
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
	resp, err := head(ctx, r.url) // Changed: head instead of http.Head, with ctx.
	if err != nil {
		if ctx.Err() != nil { // Changed: we are stopping; not a connection error.
			return err.Error()
		}
		l.Println("Error", r.url, err)
		r.errCount++
		return err.Error()
	}
	resp.Body.Close() // Changed: closed, so that the connection can be reused.
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
			case <-ctx.Done(): // Changed: stop.
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
