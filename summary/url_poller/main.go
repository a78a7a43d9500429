package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime/trace"
	"strings"
	"time"
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) { // -h: exit status 0
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

const (
	name  = "url_poller"
	about = `url_poller: pollers HEAD URLs, a monitor goroutine owns their last status and reports it, errors back off; then all stop
usage: go run ./summary/url_poller [flags]`
	maxFor      = time.Minute           // bound on -for
	maxURLs     = 20                    // bound on the number of -url flags
	slowLatency = 50 * time.Millisecond // how long the local "slow" server takes to answer
	headTimeout = time.Second           // bound on one HEAD request, from dialling to the whole header
	maxHeader   = 64 << 10              // bound on a response header, in bytes
)

// run parses args and polls, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	dur := fs.Duration("for", time.Second, fmt.Sprintf("poll for `d`, then stop every goroutine (0s to %v)", maxFor))
	var urls []string
	fs.Func("url", fmt.Sprintf("poll this http or https `URL` instead of the local test server (repeatable, up to %d)", maxURLs), func(s string) error {
		if len(urls) == maxURLs {
			return fmt.Errorf("at most %d URLs", maxURLs)
		}
		if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New("want an http or https URL with a host")
		}
		urls = append(urls, s)
		return nil
	})
	return command(fs, w, args, nil, func() error { return between("-for", *dur, 0, maxFor) }, func() error {
		which := "the URLs given:"
		if len(urls) == 0 {
			which = fmt.Sprintf("a local server (fast, slow: %v, 404, 500) and a closed port, which refuses connections:", slowLatency)
			var closeAll func()
			urls, closeAll = startServers()
			defer closeAll() // waits for every request the server is handling
		}
		fmt.Fprintf(w, "Share Memory by Communicating: %d pollers HEAD each URL every %v (+%v for each connection error in a row);\n"+
			"a monitor goroutine owns the last status of each and reports every %v. Stop after %v.\nPolling %s\n  %s\n",
			numPollers, pollInterval, errTimeout, statusInterval, *dur, which, strings.Join(urls, "\n  "))
		transport := &http.Transport{}
		defer transport.CloseIdleConnections() // ends the client's connection goroutines
		sw := newStampWriter(w)
		ctx, cancel := context.WithTimeout(context.Background(), *dur)
		defer cancel()
		poll(ctx, log.New(sw, "", 0), urls, httpHead(transport)) // the Logger lets one goroutine write at a time
		fmt.Fprintln(sw, "stopped: the pollers, the sleepers, the feeder and the monitor have all returned")
		return nil
	})
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

// startServers serves four paths on a local server: fast answers 200 at once,
// slow after slowLatency, missing 404 (the mux does not know it) and broken
// 500. It returns their URLs, then one on a closed port, which refuses
// connections, and closeAll, which closes the server once every request it
// is handling has ended.
func startServers() (urls []string, closeAll func()) {
	mux := http.NewServeMux()
	mux.HandleFunc("/fast", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("/slow", func(http.ResponseWriter, *http.Request) { time.Sleep(slowLatency) })
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "broken on purpose", http.StatusInternalServerError)
	})
	srv, closed := httptest.NewServer(mux), httptest.NewServer(nil)
	closed.Close()
	for _, path := range []string{"/fast", "/slow", "/missing", "/broken"} {
		urls = append(urls, srv.URL+path)
	}
	return append(urls, closed.URL+"/"), srv.Close
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
