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
		fmt.Fprintf(os.Stderr, "url_poller: %v (see -h)\n", err) // exactly one line
		os.Exit(2)
	}
}

const (
	maxFor  = time.Minute // bound on -for
	maxURLs = 20          // bound on the number of -url flags
	// slowLatency is how long the local "slow" server takes to answer.
	slowLatency = 50 * time.Millisecond
)

// config is what the flags ask for.
type config struct {
	dur   time.Duration
	urls  []string
	trace string
}

// parse reads and validates args. On -h it prints the usage to w and returns
// flag.ErrHelp.
func parse(w io.Writer, args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("url_poller", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself; main prints one line
	fs.DurationVar(&c.dur, "for", time.Second, "poll for `d`, then stop every goroutine (0 to 1m)")
	fs.Func("url", fmt.Sprintf("poll this http or https `URL` instead of the local test servers (repeatable, up to %d)", maxURLs), func(s string) error {
		if len(c.urls) == maxURLs {
			return fmt.Errorf("at most %d URLs", maxURLs)
		}
		u, err := url.Parse(s)
		if err != nil {
			return errors.New("not a URL")
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New("want an http or https URL with a host")
		}
		c.urls = append(c.urls, s)
		return nil
	})
	fs.StringVar(&c.trace, "trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, "url_poller: pollers HEAD URLs, a monitor goroutine owns their last status and reports it, errors back off; then all stop")
			fmt.Fprintln(w, "usage: go run ./summary/url_poller [flags]")
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.dur < 0 || c.dur > maxFor {
		return c, fmt.Errorf("-for must be between 0 and %v, got %v", maxFor, c.dur)
	}
	return c, nil
}

// run parses args and polls, writing what a reader sees to w.
func run(w io.Writer, args []string) (err error) {
	c, err := parse(w, args)
	if err != nil {
		return err
	}
	if c.trace != "" {
		f, err := os.Create(c.trace)
		if err != nil {
			return fmt.Errorf("-trace: %w", err)
		}
		if err := trace.Start(f); err != nil {
			f.Close()
			return fmt.Errorf("-trace: %w", err)
		}
		defer func() {
			trace.Stop()
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("-trace: %w", cerr)
			}
		}()
	}

	urls, which := c.urls, "the URLs given:"
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
	fmt.Fprintf(w, "a monitor goroutine owns the last status of each and reports every %v. Stop after %v.\n", statusInterval, c.dur)
	fmt.Fprintln(w, "Polling "+which)
	for _, u := range urls {
		fmt.Fprintln(w, "  "+u)
	}

	transport := &http.Transport{}
	defer transport.CloseIdleConnections() // ends the client's connection goroutines

	sw := stamped(w)
	ctx, cancel := context.WithTimeout(context.Background(), c.dur)
	defer cancel()
	poll(ctx, log.New(sw, "", 0), urls, httpHead(&http.Client{Transport: transport}))
	fmt.Fprintln(sw, "stopped: the pollers, the sleepers, the feeder and the monitor have all returned")
	return nil
}

// httpHead returns a Head that sends real HEAD requests with client; the
// request ends when ctx is done.
func httpHead(client *http.Client) Head {
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

// stamped returns a writer that starts each write with the time since now in
// milliseconds, right-aligned. Each write to it must be one line, as each
// Println of a log.Logger is.
func stamped(w io.Writer) io.Writer {
	return &stampWriter{w: w, start: time.Now()}
}

type stampWriter struct {
	w     io.Writer
	start time.Time
}

func (s *stampWriter) Write(p []byte) (int, error) {
	if _, err := fmt.Fprintf(s.w, "%5dms %s", time.Since(s.start).Milliseconds(), p); err != nil {
		return 0, err
	}
	return len(p), nil
}
