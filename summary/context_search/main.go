package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/trace"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) { // -h: exit status 0
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

const (
	name  = "context_search"
	about = `context_search: a /search server whose handler's context ends its backend request on a timeout or when the client goes away
usage: go run ./summary/context_search [flags]`
	minLatency = 20 * time.Millisecond // below this, the timed-out request could time out before it reaches the backend
	maxLatency = 500 * time.Millisecond

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

// run parses args, then runs the demo or, with -listen, both servers until
// Ctrl-C, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	latency := fs.Duration("latency", 100*time.Millisecond, fmt.Sprintf("how long the fake backend takes to answer (%v to %v)", minLatency, maxLatency))
	today := fs.Bool("today", false, "search with http.NewRequestWithContext instead of the article's httpDo")
	listen := fs.String("listen", "", "serve /search on this `address` (e.g. localhost:8080) until Ctrl-C instead of the demo")
	return command(fs, w, args, nil, func() error { return between("-latency", *latency, minLatency, maxLatency) }, func() error {
		// With -listen the backend's handlers print as requests come; a Logger
		// takes one line at a time. The demo reads events instead, which has room
		// for an arrival and an end of each of its requests.
		l := log.New(w, "", 0)
		events := make(chan backendEvent, 6)
		report := func(e backendEvent) { events <- e }
		if *listen != "" {
			report = func(e backendEvent) { l.Print("backend: ", e.text) }
		}
		sys, err := startSystem(cmp.Or(*listen, "127.0.0.1:0"), &fakeBackend{*latency, report}, *today)
		if err != nil {
			return err
		}
		if *listen == "" {
			demo(w, sys, events, *latency, *today)
		} else {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			l.Printf("frontend %s, fake backend %s answering after %v; Ctrl-C stops both", sys.URL, sys.backendURL, *latency)
			l.Printf("try: curl '%s/search?q=golang&timeout=80ms'", sys.URL)
			<-ctx.Done()
		}
		sys.Close()
		l.Print("both servers stopped")
		return nil
	})
}

// demo makes three requests of the frontend: a fast one, one that times out,
// and one whose client gives up half a latency after the backend has it. For
// each it prints what the client got, then how the backend's own request
// ended, as events reports it.
func demo(w io.Writer, sys *system, events <-chan backendEvent, latency time.Duration, today bool) {
	how := "the article's httpDo"
	if today {
		how = "http.NewRequestWithContext"
	}
	fmt.Fprintf(w, "context_search: /search derives its context from the request's; the backend sees every cancellation (searching with %s)\n", how)
	fmt.Fprintf(w, "frontend %s, fake backend %s answering after %v\n", sys.URL, sys.backendURL, latency)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	half := latency / 2
	for _, r := range []struct {
		what, query, timeout string
		giveUp               time.Duration // the client cancels this long after the backend has the request; 0: it waits
	}{
		{"fast", "golang", "&timeout=" + (10 * latency).String(), 0},
		{"timed out", "gophers", "&timeout=" + half.String(), 0},
		{"client gives up", "channels", "", half},
	} {
		path := "/search?q=" + r.query + r.timeout
		fmt.Fprintf(w, "%s: GET %s\n", r.what, path)
		if r.giveUp > 0 {
			fmt.Fprintf(w, "  (the client gives up %v after the backend has the request)\n", r.giveUp)
		}
		ctx, cancel := context.WithCancel(context.Background())
		answer := make(chan string, 1)
		go func() { answer <- get(ctx, client, sys.URL+path) }()
		// Wait for the client's answer and, once the backend reports the
		// request's arrival, for its end.
		got, seen := "", backendEvent{ended: true, text: "(the frontend gave up before the backend had the request)"}
		for got == "" || !seen.ended {
			select {
			case got = <-answer:
			case e := <-events:
				if e.query != r.query {
					continue // a late report of an earlier request
				}
				if seen = e; !e.ended && r.giveUp > 0 {
					defer time.AfterFunc(r.giveUp, cancel).Stop()
				}
			}
		}
		cancel()
		fmt.Fprintf(w, "%s  backend: %s\n", got, seen.text)
	}
}

// get sends a GET for u and returns what the client got, as demo prints it.
func get(ctx context.Context, client *http.Client, u string) string {
	start := time.Now()
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil) // u is demo's, well formed
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Sprintf("  the client got no answer after %v: %v\n", time.Since(start).Round(time.Millisecond), errors.Unwrap(err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body) // a read that breaks shows as a short body
	s := fmt.Sprintf("  %s after %v:\n", resp.Status, time.Since(start).Round(time.Millisecond))
	for line := range strings.Lines(string(body)) {
		s += "    " + line
	}
	return s
}

// A fakeBackend stands in for the Google Web Search API: it answers a search
// after latency with three results in that API's JSON, unless the request's
// context ends first. It reports each request's arrival and end to report.
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
		seen += fmt.Sprintf(": its request's context ended after %v (%v), so it stopped", time.Since(start).Round(time.Millisecond), r.Context().Err())
	}
	b.report(backendEvent{q, seen, true})
}

// A system is the frontend serving /search and the fake backend it queries,
// each a real http.Server.
type system struct {
	URL, backendURL string
	servers         []*http.Server     // the frontend first: it stops before the backend it queries
	serving         sync.WaitGroup     // their Serve goroutines
	cancel          context.CancelFunc // ends every request's context on both servers
}

// startSystem serves the frontend on addr and the fake backend on a loopback
// port.
func startSystem(addr string, fake *fakeBackend, today bool) (*system, error) {
	front, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("-listen: %w", err)
	}
	back, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		front.Close()
		return nil, err
	}
	base, cancel := context.WithCancel(context.Background())
	sys := &system{URL: "http://" + front.Addr().String(), backendURL: "http://" + back.Addr().String(), cancel: cancel}
	// The frontend's client opens a connection for each search, so none is
	// left idle to close when the servers stop.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	mux := http.NewServeMux()
	mux.HandleFunc("/search", (&searcher{sys.backendURL + "/ajax/services/search/web?v=1.0", client, today}).handleSearch)
	listeners := []net.Listener{front, back}
	for i, h := range []http.Handler{mux, fake} {
		srv := &http.Server{Handler: h, ReadTimeout: readTimeout, WriteTimeout: writeTimeout, IdleTimeout: idleTimeout,
			BaseContext: func(net.Listener) context.Context { return base }}
		sys.servers = append(sys.servers, srv)
		sys.serving.Go(func() { srv.Serve(listeners[i]) }) // returns at once on Shutdown
	}
	return sys, nil
}

// Close stops both servers, within grace plus the time to close what is
// left: it cancels every request's context, so in-flight searches end at
// once; lets each server finish its requests (Shutdown) until grace has
// passed, then closes every connection still open (Close), such as a peer's
// that never sent a whole request; and waits for the Serve goroutines.
func (sys *system) Close() {
	sys.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	for _, srv := range sys.servers {
		if srv.Shutdown(ctx) != nil {
			srv.Close()
		}
	}
	sys.serving.Wait()
}

// command parses args into fs after adding the flags every program shares:
// -trace, and -seed unless seed is nil. -h prints about and the flags to w.
// Once check (if any) accepts the values, command starts what they ask for,
// runs show, stops the trace and, when the seed was picked here, ends with
// the line that replays it. Errors come back for main to print as one line.
func command(fs *flag.FlagSet, w io.Writer, args []string, seed *uint64, check, show func() error) (err error) {
	file := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if seed != nil {
		fs.Uint64Var(seed, "seed", 0, "seed for the random draws (0: pick one and print it)")
	}
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself
	if err = fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(w, about)
		fs.SetOutput(w)
		fs.PrintDefaults()
	} else if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	} else if err == nil && check != nil {
		err = check()
	}
	if err != nil {
		return err
	}
	if *file != "" {
		f, err := os.Create(*file)
		if err == nil {
			err = trace.Start(f) // fails only while another trace runs; the collector then closes f
		}
		if err != nil {
			return fmt.Errorf("-trace: %w", err)
		}
		defer func() {
			trace.Stop()
			err = cmp.Or(err, f.Close())
		}()
	}
	picked := seed != nil && *seed == 0
	if picked {
		*seed = max(rand.Uint64(), 1) // 0 means "pick one"
	}
	if err = show(); err == nil && picked {
		fmt.Fprintf(w, "seed %d: run again with -seed %d for the same random draws\n", *seed, *seed)
	}
	return err
}

// between returns an error naming the flag f unless lo <= v <= hi.
func between[T int | time.Duration](f string, v, lo, hi T) error {
	if v < lo || v > hi {
		return fmt.Errorf("%s must be between %v and %v, got %v", f, lo, hi, v)
	}
	return nil
}
