package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"
)

const (
	maxFor      = time.Minute            // bound on -for
	headTimeout = time.Second            // bound on one HEAD request, from dialling to the whole header
	maxHeader   = 64 << 10               // bound on a response header, in bytes
	slowLatency = 50 * time.Millisecond  // how long the local slow server takes to answer
	lateStart   = 700 * time.Millisecond // when the local server that is down at first starts
)

func main() {
	d := flag.Duration("for", time.Second, "poll for `d`, then stop every goroutine (0s to 1m0s)")
	var urls []string
	flag.Func("url", "poll this http or https `URL` instead of the local servers (repeatable)", func(s string) error {
		urls = append(urls, s)
		return nil
	})
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "Pollers HEAD URLs and hand each on by channel; a monitor goroutine alone owns their statuses.")
		fmt.Fprintln(os.Stderr, "usage: go run ./summary/url_poller [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := check(*d, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt) // Ctrl-C stops the polling early
	err := show(ctx, os.Stdout, new(loopback), *d, urls)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ledger(os.Stdout, 100*time.Millisecond)
}

// check returns an error unless d is in range and no argument follows the
// flags. A -url that is not an http or https URL shows in the run, as the
// error of each of its polls.
func check(d time.Duration, args []string) error {
	if d < 0 || d > maxFor {
		return fmt.Errorf("-for must be between 0s and %v, got %v", maxFor, d)
	}
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show polls urls, or with none the local servers, which it serves on nw
// (127.0.0.1 when run for real), for d or until ctx is done, then stops
// every goroutine it started, each line after the time since the start. It
// returns an error if a local server cannot listen.
func show(ctx context.Context, w io.Writer, nw network, d time.Duration, urls []string) (err error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	transport := &http.Transport{}
	which := "the URLs given:"
	if len(urls) == 0 {
		transport.DialContext = nw.DialContext
		var stop func() error
		urls, stop, err = startServers(ctx, nw)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, stop()) }()
		which = fmt.Sprintf("local servers:\nfast, slow (%v), 404, 500, and one that is down until %v:", slowLatency, lateStart)
	}
	fmt.Fprintf(w, "Share Memory by Communicating: %d pollers HEAD each URL every %v, plus %v for each\n"+
		"connection error in a row; a monitor goroutine owns each URL's last status and reports\n"+
		"them when one has changed. Stop after %v. Polling %s\n  %s\n",
		numPollers, pollInterval, errTimeout, d, which, strings.Join(urls, "\n  "))
	sw := newStampWriter(w)
	poll(ctx, log.New(sw, "", 0), urls, httpHead(transport)) // the Logger lets one goroutine write at a time
	transport.CloseIdleConnections()                         // ends the client's connection goroutines
	fmt.Fprintln(sw, "stopped: the pollers, the sleepers, the feeder and the monitor have all returned")
	return nil
}

// httpHead returns a Head that sends real HEAD requests through transport,
// each ended when ctx is done and bounded whatever the server does: one that
// never answers, or sends its header forever, gets a connection error after
// headTimeout; a header over maxHeader bytes is refused. A HEAD response has
// no body, so there is none to read. An error leaves out the method and URL,
// which every line that shows it already names.
func httpHead(transport *http.Transport) Head {
	transport.MaxResponseHeaderBytes = maxHeader
	client := &http.Client{Transport: transport, Timeout: headTimeout}
	return func(ctx context.Context, url string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, url, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, errors.Unwrap(err) // the *url.Error's cause
		}
		return resp, nil
	}
}

// startServers serves, on nw, a local server whose paths answer 200 at once
// (fast), 200 after slowLatency (slow), 404 (missing, which the mux does not
// know) and 500 (broken), and from lateStart on, under a second name, late,
// whose fast path was refused until then. It returns their URLs and stop,
// which closes the server, waits for it, and returns late's error if it
// could not listen.
func startServers(ctx context.Context, nw network) (urls []string, stop func() error, err error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/fast", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("/slow", func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(slowLatency):
		case <-r.Context().Done(): // the poller gave up
		}
	})
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "broken on purpose", http.StatusInternalServerError)
	})
	l, err := nw.Listen("local:80")
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{Handler: mux}
	var serving sync.WaitGroup
	// lateErr is written by the late goroutine, read after serving.Wait.
	var lateErr error
	serving.Go(func() { srv.Serve(l) }) // returns on Close
	serving.Go(func() {
		select {
		case <-time.After(lateStart):
			l, err := nw.Listen("late:80")
			if err != nil {
				lateErr = fmt.Errorf("the late server: %w", err) // the polls of http://late/fast go on being refused
				return
			}
			srv.Serve(l) // returns on Close, at once if Close came first
		case <-ctx.Done():
		}
	})
	urls = []string{"http://local/fast", "http://local/slow", "http://local/missing", "http://local/broken", "http://late/fast"}
	return urls, func() error {
		srv.Close()
		serving.Wait()
		return lateErr
	}, nil
}
