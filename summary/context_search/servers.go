package main

// The two servers: the frontend serving /search and the fake backend it
// queries, with what a peer can and cannot make them do.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

const (
	// Both servers drop a peer that has not sent a whole request, header
	// and body, within readTimeout (net/http reads a small unread body
	// before it answers, so a GET whose declared body never comes would
	// hold its handler), that has not taken its whole response within
	// writeTimeout of sending its request (the answer repeats q, so a peer
	// that never reads could hold a handler too), or that keeps a connection
	// idle for idleTimeout. readTimeout also ends a request's context then:
	// far beyond maxLatency. On Close, a connection still open after grace
	// is closed.
	readTimeout  = 5 * time.Second
	writeTimeout = 10 * time.Second
	idleTimeout  = time.Minute
	grace        = 500 * time.Millisecond
)

// errStopping is why every request's context ends when the servers stop.
var errStopping = errors.New("the servers are stopping")

// A fakeBackend stands in for the Google Web Search API: it answers a search
// after latency with three results in that API's JSON, unless the request's
// context ends first. It reports each request's arrival and end to report,
// which must not block.
type fakeBackend struct {
	latency time.Duration
	report  func(backendEvent)
}

// A backendEvent is what the fake backend saw of one request, its arrival or
// its end, told in text.
type backendEvent struct {
	query, text string
	ended       bool
}

func (b *fakeBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.FormValue("q")
	seen := fmt.Sprintf("q=%q from userip %s", q, r.FormValue("userip"))
	b.report(backendEvent{q, seen + " arrived", false})
	start := time.Now()
	select {
	case <-time.After(b.latency):
		results := make([]map[string]string, 3)
		for i := range results {
			results[i] = map[string]string{"titleNoFormatting": fmt.Sprintf("%s, result %d", q, i+1), "url": fmt.Sprintf("https://example.com/%s/%d", url.PathEscape(q), i+1)}
		}
		json.NewEncoder(w).Encode(map[string]any{"responseData": map[string]any{"results": results}})
		seen += fmt.Sprintf(" answered after %v", time.Since(start).Round(time.Millisecond))
	case <-r.Context().Done():
		// net/http cancels a request's context when its connection closes,
		// with context.Canceled as the cause: the server hears that its
		// client hung up, never why (the frontend's timeout, say). The
		// servers' own stop gives errStopping.
		why := context.Cause(r.Context()).Error()
		if context.Cause(r.Context()) == context.Canceled {
			why = "context canceled: the frontend hung up, and a server is not told why"
		}
		seen += fmt.Sprintf(": its request's context ended after %v (%s), so it stopped", time.Since(start).Round(time.Millisecond), why)
	}
	b.report(backendEvent{q, seen, true})
}

// A backendLog keeps the fake backend's reports for the demo to read. A
// report never waits: it appends under the mutex and, if no signal is
// pending already, leaves one in added.
type backendLog struct {
	mu     sync.Mutex
	events []backendEvent
	added  chan struct{} // capacity 1: "events has grown since you last looked"
}

func newBackendLog() *backendLog { return &backendLog{added: make(chan struct{}, 1)} }

func (l *backendLog) report(e backendEvent) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
	select {
	case l.added <- struct{}{}:
	default: // a signal is pending already
	}
}

// last returns the latest event about query, if any.
func (l *backendLog) last(query string) (backendEvent, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.events) - 1; i >= 0; i-- {
		if l.events[i].query == query {
			return l.events[i], true
		}
	}
	return backendEvent{}, false
}

// A system is the frontend serving /search and the fake backend it queries,
// each a real http.Server.
type system struct {
	URL, backendURL string
	servers         []*http.Server          // the frontend first: it stops before the backend it queries
	serving         sync.WaitGroup          // their Serve goroutines
	cancel          context.CancelCauseFunc // ends every request's context on both servers
}

// startSystem serves the frontend on front and the fake backend on back;
// the frontend reaches the backend through dial (nil: the system's own
// dialler).
func startSystem(front, back net.Listener, dial func(ctx context.Context, network, addr string) (net.Conn, error), fake *fakeBackend, today bool) *system {
	base, cancel := context.WithCancelCause(context.Background())
	sys := &system{URL: "http://" + front.Addr().String(), backendURL: "http://" + back.Addr().String(), cancel: cancel}
	// The frontend's client opens a connection for each search, so none is
	// left idle to close when the servers stop.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, DialContext: dial}}
	mux := http.NewServeMux()
	mux.HandleFunc("/search", (&searcher{sys.backendURL + "/ajax/services/search/web?v=1.0", client, today}).handleSearch)
	listeners := []net.Listener{front, back}
	for i, h := range []http.Handler{mux, fake} {
		srv := &http.Server{Handler: h, ReadTimeout: readTimeout, WriteTimeout: writeTimeout, IdleTimeout: idleTimeout,
			BaseContext: func(net.Listener) context.Context { return base }}
		sys.servers = append(sys.servers, srv)
		sys.serving.Go(func() { srv.Serve(listeners[i]) }) // returns at once on Shutdown
	}
	return sys
}

// Close stops both servers, within grace plus the time to close what is
// left: it cancels every request's context, so in-flight searches end at
// once; lets each server finish its requests (Shutdown) until grace has
// passed, then closes every connection still open (Close), such as a peer's
// that never sent a whole request; and waits for the Serve goroutines.
func (sys *system) Close() {
	sys.cancel(errStopping)
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	for _, srv := range sys.servers {
		if srv.Shutdown(ctx) != nil {
			srv.Close()
		}
	}
	sys.serving.Wait()
}
