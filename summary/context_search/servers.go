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
	// far beyond maxLatency. When the servers stop, a connection still open
	// after grace is closed.
	readTimeout  = 5 * time.Second
	writeTimeout = 10 * time.Second
	idleTimeout  = time.Minute
	grace        = 500 * time.Millisecond
)

// errStopping is why every request's context ends when the servers stop.
var errStopping = errors.New("the servers are stopping")

// fakeBackend stands in for the Google Web Search API: it answers a search
// after latency with three results in that API's JSON, unless the request's
// context ends first. It reports how each request ended, with its query, to
// report, which must not block.
func fakeBackend(latency time.Duration, report func(query, seen string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.FormValue("q")
		seen := fmt.Sprintf("q=%q from userip %s", q, r.FormValue("userip"))
		start := time.Now()
		select {
		case <-time.After(latency):
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
		report(q, seen)
	}
}

// A backendLog keeps the fake backend's latest report on each query for the
// demo to read. A report never waits: it stores under the mutex and, if no
// signal is pending already, leaves one in added.
type backendLog struct {
	mu      sync.Mutex
	reports map[string]string // query -> how its latest request ended
	added   chan struct{}     // capacity 1: "reports has changed since you last looked"
}

func newBackendLog() *backendLog {
	return &backendLog{reports: map[string]string{}, added: make(chan struct{}, 1)}
}

func (l *backendLog) report(query, seen string) {
	l.mu.Lock()
	l.reports[query] = seen
	l.mu.Unlock()
	select {
	case l.added <- struct{}{}:
	default: // a signal is pending already
	}
}

// wait returns the report on query, waiting up to d for one.
func (l *backendLog) wait(query string, d time.Duration) string {
	timeout := time.After(d)
	for {
		l.mu.Lock()
		seen, ok := l.reports[query]
		l.mu.Unlock()
		if ok {
			return seen
		}
		select {
		case <-l.added:
		case <-timeout:
			return "never had the request"
		}
	}
}

// startSystem serves the frontend on front and fake on nw, as backend:80,
// which the frontend dials through nw. It returns stop, which stops both
// servers within grace plus the time to close what is left: it cancels every
// request's context, so in-flight searches end at once; lets each server
// finish its requests (Shutdown) until grace has passed, then closes every
// connection still open (Close), such as a peer's that never sent a whole
// request; and waits for the Serve goroutines.
func startSystem(nw network, front net.Listener, fake http.Handler, today bool) (stop func(), err error) {
	back, err := nw.Listen("backend:80")
	if err != nil {
		front.Close()
		return nil, err
	}
	base, cancel := context.WithCancelCause(context.Background()) // ends every request's context on both servers
	// The frontend's client opens a connection for each search, so none is
	// left idle to close when the servers stop.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, DialContext: nw.DialContext}}
	mux := http.NewServeMux()
	mux.HandleFunc("/search", (&searcher{"http://backend:80/ajax/services/search/web?v=1.0", client, today}).handleSearch)
	var servers []*http.Server // the frontend first: it stops before the backend it queries
	var serving sync.WaitGroup
	listeners := []net.Listener{front, back}
	for i, h := range []http.Handler{mux, fake} {
		srv := &http.Server{Handler: h, ReadTimeout: readTimeout, WriteTimeout: writeTimeout, IdleTimeout: idleTimeout,
			BaseContext: func(net.Listener) context.Context { return base }}
		servers = append(servers, srv)
		serving.Go(func() { srv.Serve(listeners[i]) }) // returns at once on Shutdown
	}
	return func() {
		cancel(errStopping)
		ctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		for _, srv := range servers {
			if srv.Shutdown(ctx) != nil {
				srv.Close()
			}
		}
		serving.Wait()
	}, nil
}
