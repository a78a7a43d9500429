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
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

const (
	minLatency = 20 * time.Millisecond // below this, the timed-out request could time out before it reaches the backend
	maxLatency = 500 * time.Millisecond
)

func main() {
	latency := flag.Duration("latency", 100*time.Millisecond, "how long the fake backend takes to answer (20ms to 500ms)")
	today := flag.Bool("today", false, "search with http.NewRequestWithContext instead of the article's httpDo")
	listen := flag.String("listen", "", "serve /search on this `address` (e.g. localhost:8080) until Ctrl-C instead of the demo")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "A /search server whose handler's context ends its backend request on a timeout or when the client goes away.")
		fmt.Fprintln(os.Stderr, "usage: go run ./summary/context_search [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := check(*latency, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM) // Ctrl-C stops -listen
	err := show(ctx, os.Stdout, new(loopback), *listen, *latency, *today)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ledger(os.Stdout, 100*time.Millisecond)
}

// check returns an error unless latency is in range and no argument follows
// the flags.
func check(latency time.Duration, args []string) error {
	if latency < minLatency || latency > maxLatency {
		return fmt.Errorf("-latency must be between %v and %v, got %v", minLatency, maxLatency, latency)
	}
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show runs the demo, with both servers on nw (127.0.0.1 when run for real),
// or, with listen, serves the frontend there and the backend on nw until ctx
// is done, logging how the backend's requests end. It returns an error if a
// server cannot listen.
func show(ctx context.Context, w io.Writer, nw network, listen string, latency time.Duration, today bool) error {
	events := newBackendLog()
	l := log.New(w, "", 0)
	report := events.report
	var front net.Listener
	var err error
	if listen == "" {
		front, err = nw.Listen("frontend:80")
	} else {
		// The backend's handlers log as requests end; a Logger takes one line at a time.
		report = func(_, seen string) { l.Print("backend: ", seen) }
		front, err = net.Listen("tcp", listen)
	}
	if err != nil {
		return err
	}
	stop, err := startSystem(nw, front, fakeBackend(latency, report), today)
	if err != nil {
		return err
	}
	if listen == "" {
		searchDemo(w, nw, events, latency, today)
	} else {
		l.Printf("frontend http://%s, its fake backend answering after %v; Ctrl-C stops both", front.Addr(), latency)
		l.Printf("try: curl 'http://%s/search?q=golang&timeout=80ms'", front.Addr())
		<-ctx.Done()
	}
	stop()
	l.Print("both servers stopped")
	return nil
}

// searchDemo makes three requests of the frontend, dialling through nw: a
// fast one, one that times out, and one whose client gives up half a latency
// after it asked. For each it prints what the client got, then how the
// backend's own request ended, as events reports it.
func searchDemo(w io.Writer, nw network, events *backendLog, latency time.Duration, today bool) {
	how := "the article's httpDo"
	if today {
		how = "http.NewRequestWithContext"
	}
	fmt.Fprintf(w, "context_search: /search derives its context from the request's, so the backend sees every cancellation (searching with %s)\n", how)
	fmt.Fprintf(w, "frontend http://frontend:80 and fake backend http://backend:80; the backend answers after %v\n", latency)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, DialContext: nw.DialContext}}
	half := latency / 2
	for _, r := range []struct {
		what, query, timeout string
		giveUp               time.Duration // the client cancels its request after this; 0: it waits
	}{
		{"fast", "golang", "&timeout=" + (10 * latency).String(), 0},
		{"timed out", "gophers", "&timeout=" + half.String(), 0},
		{"client gives up", "channels", "", half},
	} {
		path := "/search?q=" + r.query + r.timeout
		fmt.Fprintf(w, "%s: GET %s\n", r.what, path)
		ctx, cancel := context.WithCancel(context.Background())
		if r.giveUp > 0 {
			fmt.Fprintf(w, "  (the client gives up after %v, while the backend works)\n", r.giveUp)
			time.AfterFunc(r.giveUp, cancel)
		}
		got := get(ctx, client, "http://frontend:80"+path)
		cancel()
		fmt.Fprintf(w, "%s  backend: %s\n", got, events.wait(r.query, latency))
	}
}

// get sends a GET for u and returns what the client got, as searchDemo
// prints it.
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
