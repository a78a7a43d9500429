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
	if err := show(os.Stdout, new(loopNet), *listen, *latency, *today); err != nil {
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

// show runs the demo, with both servers on nw, or, with listen, serves the
// frontend there and the backend on a loopback port until Ctrl-C, logging
// what the backend sees. It returns an error if a server cannot listen.
func show(w io.Writer, nw network, listen string, latency time.Duration, today bool) error {
	if listen == "" {
		front, err := nw.Listen("frontend:80")
		if err != nil {
			return err
		}
		back, err := nw.Listen("backend:80")
		if err != nil {
			front.Close()
			return err
		}
		events := newBackendLog()
		sys := startSystem(front, back, nw.DialContext, &fakeBackend{latency, events.report}, today)
		searchDemo(w, sys, nw, events, latency, today)
		sys.Close()
		fmt.Fprintln(w, "both servers stopped")
		return nil
	}
	front, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("-listen: %w", err)
	}
	back, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		front.Close()
		return err
	}
	l := log.New(w, "", 0) // the backend's handlers print as requests come; a Logger takes one line at a time
	sys := startSystem(front, back, nil, &fakeBackend{latency, func(e backendEvent) { l.Print("backend: ", e.text) }}, today)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l.Printf("frontend %s, fake backend %s answering after %v; Ctrl-C stops both", sys.URL, sys.backendURL, latency)
	l.Printf("try: curl '%s/search?q=golang&timeout=80ms'", sys.URL)
	<-ctx.Done()
	sys.Close()
	l.Print("both servers stopped")
	return nil
}

// searchDemo makes three requests of the frontend: a fast one, one that
// times out, and one whose client gives up half a latency after the backend
// has it, dialling through nw. For each it prints what the client got, then
// how the backend's own request ended, as events reports it.
func searchDemo(w io.Writer, sys *system, nw network, events *backendLog, latency time.Duration, today bool) {
	how := "the article's httpDo"
	if today {
		how = "http.NewRequestWithContext"
	}
	fmt.Fprintf(w, "context_search: /search derives its context from the request's, so the backend sees every cancellation (searching with %s)\n", how)
	fmt.Fprintf(w, "frontend %s and fake backend %s, %v; the backend answers after %v\n", sys.URL, sys.backendURL, nw, latency)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, DialContext: nw.DialContext}}
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
		// Wait for the client's answer and for the backend's report of the
		// request's end; start the client's countdown when the backend
		// reports its arrival. A backend that never had the request is given
		// a latency after the answer, then named.
		var got string
		var noShow <-chan time.Time
		var countdown *time.Timer
		var seen backendEvent
		for got == "" || !seen.ended {
			select {
			case got = <-answer:
				noShow = time.After(latency)
			case <-events.added:
				seen, _ = events.last(r.query)
				if countdown == nil && r.giveUp > 0 && seen.query != "" {
					countdown = time.AfterFunc(r.giveUp, cancel)
				}
			case <-noShow:
				seen = backendEvent{r.query, "never had the request", true}
			}
		}
		if countdown != nil {
			countdown.Stop()
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
