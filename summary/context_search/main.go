package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime/trace"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage printed to stdout, exit status 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "context_search: %v (see -h)\n", err) // exactly one line
		os.Exit(2)
	}
}

const (
	minLatency = 20 * time.Millisecond // below this, the timed-out request could time out before it reaches the backend
	maxLatency = 500 * time.Millisecond
)

// run parses args, starts the frontend and the fake backend on loopback,
// makes three requests (fast, timed out, abandoned by its client), prints
// what each got and what the backend saw, and stops both servers.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("context_search", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // main prints one line; -h prints below
	latency := fs.Duration("latency", 100*time.Millisecond, fmt.Sprintf("how long the fake backend takes to answer (%v to %v)", minLatency, maxLatency))
	today := fs.Bool("today", false, "search with http.NewRequestWithContext instead of the article's httpDo")
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, "context_search: a /search server whose handler's context ends its backend request on a timeout or when the client goes away")
			fmt.Fprintln(w, "usage: go run ./summary/context_search [flags]")
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		return err
	}
	if err := validate(*latency); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			return fmt.Errorf("-trace: %w", err)
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			return fmt.Errorf("-trace: %w", err)
		}
		defer trace.Stop()
	}

	reports := newBackendLog()
	fake := &fakeBackend{latency: *latency, started: reports.started, ended: reports.ended}
	sys, err := start(fake, *today)
	if err != nil {
		return err
	}
	defer sys.Close()
	client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second} // a safety net only
	defer client.CloseIdleConnections()

	how := "the article's httpDo"
	if *today {
		how = "http.NewRequestWithContext"
	}
	fmt.Fprintf(w, "context_search: /search derives its context from the request's; the backend sees every cancellation (searching with %s)\n", how)
	fmt.Fprintf(w, "frontend %s, fake backend %s answering after %v\n", sys.URL, sys.backend.URL, *latency)

	half := *latency / 2
	requests := []struct {
		what, query, timeout string
		giveUp               time.Duration // the client cancels this long after the backend has the request; 0: it waits
	}{
		{"fast", "golang", (10 * *latency).String(), 0},
		{"timed out", "gophers", half.String(), 0},
		{"client gives up", "channels", "", half},
	}
	for _, r := range requests {
		u := sys.URL + "/search?" + url.Values{"q": {r.query}}.Encode()
		if r.timeout != "" {
			u += "&timeout=" + r.timeout
		}
		fmt.Fprintf(w, "%s: GET %s\n", r.what, strings.TrimPrefix(u, sys.URL))
		ctx, cancel := context.WithCancel(context.Background())
		var givingUp sync.WaitGroup
		if r.giveUp > 0 {
			fmt.Fprintf(w, "  (the client gives up %v after the backend has the request)\n", r.giveUp)
			givingUp.Go(func() {
				select {
				case <-reports.arrival(r.query):
					t := time.NewTimer(r.giveUp)
					defer t.Stop()
					select {
					case <-t.C:
						cancel()
					case <-ctx.Done():
					}
				case <-ctx.Done():
				}
			})
		}
		status, body, elapsed, err := get(ctx, client, u)
		cancel()
		givingUp.Wait()
		if err != nil {
			fmt.Fprintf(w, "  the client got no answer after %v: %v\n", ms(elapsed), errors.Unwrap(err))
		} else {
			fmt.Fprintf(w, "  %s after %v:\n", status, ms(elapsed))
			for line := range strings.Lines(body) {
				fmt.Fprintf(w, "    %s", line)
			}
		}
		// If the request reached the backend, wait until the backend is done
		// with it (its context ends a moment after the client's answer), so
		// that shutting down does not end it first. The deadline is a
		// safety net.
		select {
		case <-reports.arrival(r.query):
			select {
			case <-reports.end(r.query):
			case <-time.After(10 * time.Second):
				return fmt.Errorf("the backend never finished with %q", r.query)
			}
		default: // it never arrived (see below)
		}
	}
	if err := sys.Close(); err != nil {
		return err
	}
	fmt.Fprintln(w, "both servers stopped; no handler or backend request left running")
	fmt.Fprintln(w, "the backend saw, through its own requests' contexts:")
	for _, r := range requests {
		if e, ok := reports.event(r.query); ok {
			fmt.Fprintf(w, "  %v\n", e)
		} else {
			// Only when the frontend's timeout came before its request
			// reached the backend: on a very busy machine.
			fmt.Fprintf(w, "  q=%q never arrived: the frontend gave up before sending it\n", r.query)
		}
	}
	return nil
}

// A backendLog keeps what the fake backend reported, by query (each query
// reaches the backend at most once here), and lets run wait for a query to
// arrive there or to be done.
type backendLog struct {
	mu       sync.Mutex
	arrivals map[string]chan struct{} // closed when the query reaches the backend
	ends     map[string]chan struct{} // closed when the backend is done with it
	events   map[string]backendEvent
}

func newBackendLog() *backendLog {
	return &backendLog{arrivals: map[string]chan struct{}{}, ends: map[string]chan struct{}{}, events: map[string]backendEvent{}}
}

// signal returns the channel for q in m, made on first use.
func (l *backendLog) signal(m map[string]chan struct{}, q string) chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := m[q]
	if !ok {
		c = make(chan struct{})
		m[q] = c
	}
	return c
}

func (l *backendLog) arrival(q string) <-chan struct{} { return l.signal(l.arrivals, q) }
func (l *backendLog) end(q string) <-chan struct{}     { return l.signal(l.ends, q) }
func (l *backendLog) started(q string)                 { close(l.signal(l.arrivals, q)) }

func (l *backendLog) ended(e backendEvent) {
	l.mu.Lock()
	l.events[e.query] = e
	l.mu.Unlock()
	close(l.signal(l.ends, e.query))
}

func (l *backendLog) event(q string) (backendEvent, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.events[q]
	return e, ok
}

// validate checks the flags that size something.
func validate(latency time.Duration) error {
	if latency < minLatency || latency > maxLatency {
		return fmt.Errorf("-latency must be between %v and %v, got %v", minLatency, maxLatency, latency)
	}
	return nil
}

// ms rounds d to whole milliseconds for printing.
func ms(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

// get sends a GET for u and returns the status line and body, or the error.
func get(ctx context.Context, client *http.Client, u string) (status, body string, elapsed time.Duration, err error) {
	start := time.Now()
	defer func() { elapsed = time.Since(start) }()
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return "", "", 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", "", 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.Status, string(b), 0, err
}

// A backendEvent is what the fake backend saw of one request.
type backendEvent struct {
	query, userIP string
	answered      bool          // false: the request's context ended first
	err           error         // why it ended, when not answered
	after         time.Duration // from arrival to answer or end
}

func (e backendEvent) String() string {
	if e.answered {
		return fmt.Sprintf("q=%q from userip %s answered after %v", e.query, e.userIP, ms(e.after))
	}
	return fmt.Sprintf("q=%q from userip %s: its request's context ended after %v (%v), so it stopped", e.query, e.userIP, ms(e.after), e.err)
}

// A fakeBackend stands in for the Google Web Search API: it answers a
// search after latency with three results in that API's JSON, unless the
// request's context ends first. It reports each request's start and end
// (either report may be nil).
type fakeBackend struct {
	latency  time.Duration
	started  func(query string)
	ended    func(backendEvent)
	quit     chan struct{} // closed on shutdown: ends every request still waiting
	inflight atomic.Int64  // requests being handled, for tests
}

func (b *fakeBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.inflight.Add(1)
	defer b.inflight.Add(-1)
	e := backendEvent{query: r.FormValue("q"), userIP: r.FormValue("userip")}
	if b.started != nil {
		b.started(e.query)
	}
	start := time.Now()
	t := time.NewTimer(b.latency)
	defer t.Stop()
	select {
	case <-t.C:
		e.answered = true
		var data struct {
			ResponseData struct {
				Results []struct {
					TitleNoFormatting string `json:"titleNoFormatting"`
					URL               string `json:"url"`
				} `json:"results"`
			} `json:"responseData"`
		}
		for i := range 3 {
			data.ResponseData.Results = append(data.ResponseData.Results, struct {
				TitleNoFormatting string `json:"titleNoFormatting"`
				URL               string `json:"url"`
			}{fmt.Sprintf("%s, result %d", e.query, i+1), fmt.Sprintf("https://example.com/%s/%d", url.PathEscape(e.query), i+1)})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(data)
	case <-r.Context().Done():
		e.err = r.Context().Err()
	case <-b.quit:
		e.err = errors.New("backend shut down")
	}
	e.after = time.Since(start)
	if b.ended != nil {
		b.ended(e)
	}
}

// A system is the demo's two servers on loopback: the frontend serving
// /search and the fake backend it queries.
type system struct {
	URL      string // the frontend's, http://127.0.0.1:port
	frontend *http.Server
	backend  *httptest.Server
	fake     *fakeBackend
	search   *searcher
	cancel   context.CancelFunc // ends every request's context: in-flight searches stop
	serving  sync.WaitGroup     // the frontend's Serve goroutine
	inflight atomic.Int64       // /search handlers running, for tests
	once     sync.Once
	closeErr error
}

// start serves fake on a local httptest server and a /search frontend that
// queries it, both on 127.0.0.1.
func start(fake *fakeBackend, today bool) (*system, error) {
	fake.quit = make(chan struct{})
	sys := &system{fake: fake, backend: httptest.NewServer(fake)} // httptest listens on 127.0.0.1
	sys.search = &searcher{
		backend: sys.backend.URL + "/ajax/services/search/web?v=1.0",
		client:  &http.Client{Transport: &http.Transport{}}, // its own, so that Close can close its connections
		today:   today,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		sys.backend.Close()
		return nil, err
	}
	sys.URL = "http://" + ln.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("/search", func(w http.ResponseWriter, r *http.Request) {
		sys.inflight.Add(1)
		defer sys.inflight.Add(-1)
		sys.search.handleSearch(w, r)
	})
	base, cancel := context.WithCancel(context.Background())
	sys.cancel = cancel
	sys.frontend = &http.Server{
		Handler:     mux,
		BaseContext: func(net.Listener) context.Context { return base }, // every request's context derives from base
	}
	sys.serving.Go(func() { sys.frontend.Serve(ln) }) // returns ErrServerClosed on Shutdown
	return sys, nil
}

// Close stops both servers and returns once nothing they started is running:
// it cancels every request's context, so in-flight searches end at once;
// waits for the frontend's handlers (Shutdown); ends and waits for the
// backend's requests; and closes the searcher's idle connections. (httpDo's
// goroutines end before their handlers return.) A second Close returns the
// first one's result.
func (sys *system) Close() error {
	sys.once.Do(func() {
		sys.cancel()
		sys.closeErr = sys.frontend.Shutdown(context.Background())
		sys.serving.Wait()
		close(sys.fake.quit)
		sys.backend.Close() // blocks until every backend request has returned
		sys.search.client.CloseIdleConnections()
	})
	return sys.closeErr
}
