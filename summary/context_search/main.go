package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
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
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage printed to stdout, exit status 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

const (
	name  = "context_search"
	about = `context_search: a /search server whose handler's context ends its backend request on a timeout or when the client goes away
usage: go run ./summary/context_search [flags]`
)

const (
	minLatency = 20 * time.Millisecond // below this, the timed-out request could time out before it reaches the backend
	maxLatency = 500 * time.Millisecond

	// Both servers drop a peer that has not sent a whole request header
	// within readHeaderTimeout, or that keeps a connection idle for
	// idleTimeout. On Close, a connection still open after grace is closed.
	readHeaderTimeout = 5 * time.Second
	idleTimeout       = time.Minute
	grace             = 500 * time.Millisecond
)

// run parses args, then runs the demo or, with -listen, both servers until
// Ctrl-C, writing what a reader sees to w.
func run(w io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	latency := fs.Duration("latency", 100*time.Millisecond, fmt.Sprintf("how long the fake backend takes to answer (%v to %v)", minLatency, maxLatency))
	today := fs.Bool("today", false, "search with http.NewRequestWithContext instead of the article's httpDo")
	listen := fs.String("listen", "", "serve /search on this `address` (e.g. localhost:8080) until Ctrl-C instead of the demo")
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := parseFlags(fs, w, about, args); err != nil {
		return err
	}
	if *latency < minLatency || *latency > maxLatency {
		return fmt.Errorf("-latency must be between %v and %v, got %v", minLatency, maxLatency, *latency)
	}
	if *traceFile != "" {
		stop, err := startTrace(*traceFile)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, stop()) }()
	}
	if *listen == "" {
		return demo(w, *latency, *today)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l := log.New(w, "", 0) // the backend's handlers print at once; a Logger takes one line at a time
	sys, err := startSystem(*listen, &fakeBackend{*latency, func(e backendEvent) { l.Print("backend: ", e) }}, *today)
	if err != nil {
		return err
	}
	l.Printf("frontend %s, fake backend %s answering after %v; Ctrl-C stops both", sys.URL, sys.backendURL, *latency)
	l.Printf("try: curl '%s/search?q=golang&timeout=80ms'", sys.URL)
	<-ctx.Done()
	sys.Close()
	l.Print("both servers stopped")
	return nil
}

// demo starts both servers on loopback ports, makes three requests (fast,
// timed out, abandoned by its client), prints what each client got and what
// the backend saw of it, and stops both servers.
func demo(w io.Writer, latency time.Duration, today bool) error {
	// Each request reports its arrival and its end: room for every report,
	// so that a late one never blocks the backend.
	events := make(chan backendEvent, 6)
	sys, err := startSystem("127.0.0.1:0", &fakeBackend{latency, func(e backendEvent) { events <- e }}, today)
	if err != nil {
		return err
	}
	defer sys.Close()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()

	how := "the article's httpDo"
	if today {
		how = "http.NewRequestWithContext"
	}
	fmt.Fprintf(w, "context_search: /search derives its context from the request's; the backend sees every cancellation (searching with %s)\n", how)
	fmt.Fprintf(w, "frontend %s, fake backend %s answering after %v\n", sys.URL, sys.backendURL, latency)
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
		// Wait for the client's answer and, if the backend has the request,
		// for the backend to be done with it.
		var got string
		var seen *backendEvent
		for got == "" || seen != nil && !seen.ended {
			select {
			case got = <-answer:
			case e := <-events:
				if e.query != r.query {
					continue // a late report of an earlier request
				}
				seen = &e
				if !e.ended && r.giveUp > 0 {
					defer time.AfterFunc(r.giveUp, cancel).Stop()
				}
			}
		}
		cancel()
		fmt.Fprint(w, got)
		if seen != nil {
			fmt.Fprintf(w, "  backend: %v\n", *seen)
		} else {
			fmt.Fprintln(w, "  (the frontend gave up before the backend had the request)")
		}
	}
	sys.Close()
	fmt.Fprintln(w, "both servers stopped")
	return nil
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
	body, err := io.ReadAll(resp.Body)
	s := fmt.Sprintf("  %s after %v:\n", resp.Status, time.Since(start).Round(time.Millisecond))
	for line := range strings.Lines(string(body)) {
		s += "    " + line
	}
	if err != nil {
		s += fmt.Sprintf("  (reading the body: %v)\n", err)
	}
	return s
}

// A backendEvent is what the fake backend saw of one request: its arrival,
// or its end.
type backendEvent struct {
	query, userIP string
	ended         bool
	err           error         // nil: answered; else why the request's context ended first
	after         time.Duration // from arrival to the end
}

func (e backendEvent) String() string {
	s := fmt.Sprintf("q=%q from userip %s", e.query, e.userIP)
	switch {
	case !e.ended:
		return s + " arrived"
	case e.err == nil:
		return fmt.Sprintf("%s answered after %v", s, e.after.Round(time.Millisecond))
	}
	return fmt.Sprintf("%s: its request's context ended after %v (%v), so it stopped", s, e.after.Round(time.Millisecond), e.err)
}

// A fakeBackend stands in for the Google Web Search API: it answers a search
// after latency with three results in that API's JSON, unless the request's
// context ends first. It reports each request's arrival and end to report.
type fakeBackend struct {
	latency time.Duration
	report  func(backendEvent)
}

func (b *fakeBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e := backendEvent{query: r.FormValue("q"), userIP: r.FormValue("userip")}
	b.report(e)
	start := time.Now()
	select {
	case <-time.After(b.latency):
		var results []map[string]string
		for i := range 3 {
			results = append(results, map[string]string{
				"titleNoFormatting": fmt.Sprintf("%s, result %d", e.query, i+1),
				"url":               fmt.Sprintf("https://example.com/%s/%d", url.PathEscape(e.query), i+1),
			})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"responseData": map[string]any{"results": results}})
	case <-r.Context().Done():
		e.err = r.Context().Err()
	}
	e.ended, e.after = true, time.Since(start)
	b.report(e)
}

// A system is the frontend serving /search and the fake backend it queries,
// each a real http.Server.
type system struct {
	URL, backendURL string
	servers         []*http.Server     // the frontend first: it stops before the backend it queries
	serving         sync.WaitGroup     // their Serve goroutines
	cancel          context.CancelFunc // ends every request's context on both servers
	client          *http.Client       // the frontend's, to the backend
}

// startSystem serves the fake backend on a loopback port and the frontend on
// addr.
func startSystem(addr string, fake *fakeBackend, today bool) (*system, error) {
	base, cancel := context.WithCancel(context.Background())
	sys := &system{cancel: cancel, client: &http.Client{Transport: &http.Transport{}}}
	var err error
	if sys.backendURL, err = sys.serve("127.0.0.1:0", fake, base); err != nil {
		cancel()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/search", (&searcher{sys.backendURL + "/ajax/services/search/web?v=1.0", sys.client, today}).handleSearch)
	if sys.URL, err = sys.serve(addr, mux, base); err != nil {
		sys.Close()
		return nil, fmt.Errorf("-listen: %w", err)
	}
	return sys, nil
}

// serve serves h on addr, with every request's context derived from base,
// and returns its URL.
func (sys *system) serve(addr string, h http.Handler, base context.Context) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	sys.servers = append([]*http.Server{srv}, sys.servers...)
	sys.serving.Go(func() { srv.Serve(ln) }) // returns at once on Shutdown
	return "http://" + ln.Addr().String(), nil
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
	sys.client.CloseIdleConnections()
}

// parseFlags parses args into fs. On -h it prints about and every flag to w;
// any other problem comes back as an error for main to print in one line.
func parseFlags(fs *flag.FlagSet, w io.Writer, about string, args []string) error {
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, about)
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// startTrace writes a runtime/trace execution trace to file until stop is called.
func startTrace(file string) (stop func() error, err error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, fmt.Errorf("-trace: %w", err)
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-trace: %w", err)
	}
	return func() error {
		trace.Stop()
		if err := f.Close(); err != nil {
			return fmt.Errorf("-trace: %w", err)
		}
		return nil
	}, nil
}
