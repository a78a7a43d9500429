package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime/trace"
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
	name  = "url_poller"
	about = `url_poller: pollers HEAD URLs, a monitor goroutine owns their last status and reports it, errors back off; then all stop
usage: go run ./summary/url_poller [flags]`
)

const (
	maxFor      = time.Minute           // bound on -for
	maxURLs     = 20                    // bound on the number of -url flags
	slowLatency = 50 * time.Millisecond // how long the local "slow" server takes to answer
	headTimeout = time.Second           // bound on one HEAD request, from dialling to the whole header
	maxHeader   = 64 << 10              // bound on a response header, in bytes
)

// run parses args and polls, writing what a reader sees to w.
func run(w io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	dur := fs.Duration("for", time.Second, "poll for `d`, then stop every goroutine (0 to 1m0s)")
	var urls []string
	fs.Func("url", fmt.Sprintf("poll this http or https `URL` instead of the local test servers (repeatable, up to %d)", maxURLs), func(s string) error {
		if len(urls) == maxURLs {
			return fmt.Errorf("at most %d URLs", maxURLs)
		}
		if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New("want an http or https URL with a host")
		}
		urls = append(urls, s)
		return nil
	})
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := parseFlags(fs, w, about, args); err != nil {
		return err
	}
	if *dur < 0 || *dur > maxFor {
		return fmt.Errorf("-for must be between 0 and %v, got %v", maxFor, *dur)
	}
	if *traceFile != "" {
		stop, err := startTrace(*traceFile)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, stop()) }()
	}

	which := "the URLs given:"
	if len(urls) == 0 {
		which = fmt.Sprintf("local servers (fast, slow: %v, 404, 500) and a closed port, which refuses connections:", slowLatency)
		local, closeAll := startServers()
		defer closeAll() // waits for every request the servers are handling
		refused, err := refusedURL()
		if err != nil {
			return err
		}
		urls = append(local, refused)
	}

	fmt.Fprintf(w, "Share Memory by Communicating: %d pollers HEAD each URL every %v (+%v for each connection error in a row);\n",
		numPollers, pollInterval, errTimeout)
	fmt.Fprintf(w, "a monitor goroutine owns the last status of each and reports every %v. Stop after %v.\n", statusInterval, *dur)
	fmt.Fprintln(w, "Polling "+which)
	for _, u := range urls {
		fmt.Fprintln(w, "  "+u)
	}

	transport := &http.Transport{}
	defer transport.CloseIdleConnections() // ends the client's connection goroutines
	sw := newStampWriter(w)
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()
	poll(ctx, log.New(sw, "", 0), urls, httpHead(transport)) // the Logger lets one goroutine write at a time
	fmt.Fprintln(sw, "stopped: the pollers, the sleepers, the feeder and the monitor have all returned")
	return nil
}

// httpHead returns a Head that sends real HEAD requests through transport,
// each ended when ctx is done and bounded whatever the server does: one that
// never answers, or sends its header forever, gets a connection error after
// headTimeout; a header over maxHeader bytes is refused. A HEAD response has
// no body, so there is none to read.
func httpHead(transport *http.Transport) Head {
	transport.MaxResponseHeaderBytes = maxHeader
	client := &http.Client{Transport: transport, Timeout: headTimeout}
	return func(ctx context.Context, url string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, url, nil)
		if err != nil {
			return nil, err
		}
		return client.Do(req)
	}
}

// startServers starts four local HTTP servers, one for each behaviour, and
// returns their URLs (the path names the behaviour; each server answers any
// path the same way) and a function that closes them all:
//   - fast answers 200 at once;
//   - slow answers 200 after slowLatency, or sooner if the client gives up;
//   - missing answers 404, broken answers 500.
//
// Closing a server waits for every request it is handling.
func startServers() (urls []string, closeAll func()) {
	var servers []*httptest.Server
	for _, s := range []struct {
		path    string
		handler http.HandlerFunc
	}{
		{"/fast", func(w http.ResponseWriter, r *http.Request) {}},
		{"/slow", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(slowLatency):
			case <-r.Context().Done(): // the client gave up: stop now
			}
		}},
		{"/missing", http.NotFound},
		{"/broken", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "broken on purpose", http.StatusInternalServerError)
		}},
	} {
		srv := httptest.NewServer(s.handler)
		servers = append(servers, srv)
		urls = append(urls, srv.URL+s.path)
	}
	return urls, func() {
		for _, srv := range servers {
			srv.Close()
		}
	}
}

// refusedURL returns a loopback URL on which nothing listens: a port that was
// just opened, then closed, so a connection to it is refused.
func refusedURL() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("cannot open a port for the refused address: %w", err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/", nil
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

// stampWriter puts the time since its creation, in milliseconds, before each
// line. Each Write must be one whole line, as fmt.Fprintln writes it; only one
// goroutine may write.
type stampWriter struct {
	w     io.Writer
	start time.Time
}

func newStampWriter(w io.Writer) *stampWriter { return &stampWriter{w, time.Now()} }

func (s *stampWriter) Write(p []byte) (int, error) {
	if _, err := fmt.Fprintf(s.w, "%4dms %s", time.Since(s.start).Milliseconds(), p); err != nil {
		return 0, err
	}
	return len(p), nil
}
