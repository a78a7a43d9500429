package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests in this file use real connections on 127.0.0.1, outside synctest
// (network I/O is not durably blocking). They wait on events: a response, a
// report from the backend, Close returning, a read ending. Their deadlines
// of seconds are only a safety net, never the assertion.

const safety = 10 * time.Second

// runOK runs the program with args and returns what it printed; an error fails the test.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(&out, args); err != nil {
		t.Fatalf("run(%q): %v", args, err)
	}
	return out.String()
}

// serverGoroutines returns the stacks of the goroutines that run this
// program's servers, handlers or searches.
func serverGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var found []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		for _, f := range []string{"net/http.(*Server).Serve(", "main.(*fakeBackend)", "main.(*searcher)"} {
			if strings.Contains(g, f) {
				found = append(found, g)
				break
			}
		}
	}
	return found
}

const wantRun = `context_search: /search derives its context from the request's; the backend sees every cancellation (searching with %s)
frontend http://127.0.0.1:PORT, fake backend http://127.0.0.1:PORT answering after 100ms
fast: GET /search?q=golang&timeout=1s
  200 OK after Nms:
    golang, result 1 - https://example.com/golang/1
    golang, result 2 - https://example.com/golang/2
    golang, result 3 - https://example.com/golang/3
    3 results in Nms; timeout 1s
  backend: q="golang" from userip 127.0.0.1 answered after Nms
timed out: GET /search?q=gophers&timeout=50ms
  504 Gateway Timeout after Nms:
    search timed out after 50ms
  backend: q="gophers" from userip 127.0.0.1: its request's context ended after Nms (context canceled), so it stopped
client gives up: GET /search?q=channels
  (the client gives up 50ms after the backend has the request)
  the client got no answer after Nms: context canceled
  backend: q="channels" from userip 127.0.0.1: its request's context ended after Nms (context canceled), so it stopped
both servers stopped
`

// TestRunShowsTheThreeRequests: the outcomes do not depend on timing, with
// one exception. The backend's 100ms start only when it has the request, so
// the fast request has 900ms to spare and the timed-out one always times
// out; the client gives up 50ms after the backend has its request (an
// event). The exception: if the timed-out request takes longer than its 50ms
// to reach the backend, the backend never sees it, and run says so. When run
// returns, no server, handler or search of its own is left running.
func TestRunShowsTheThreeRequests(t *testing.T) {
	for args, how := range map[string]string{"": "the article's httpDo", "-today": "http.NewRequestWithContext"} {
		got := runOK(t, strings.Fields(args)...)
		got = regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(got, "127.0.0.1:PORT")
		got = regexp.MustCompile(`(OK after|Timeout after|answer after|answered after|ended after|results in) \d+ms`).ReplaceAllString(got, "$1 Nms")
		got = strings.Replace(got, "  backend: (the frontend gave up before the backend had the request)",
			`  backend: q="gophers" from userip 127.0.0.1: its request's context ended after Nms (context canceled), so it stopped`, 1)
		if want := fmt.Sprintf(wantRun, how); got != want {
			t.Fatalf("run %s printed\n%s\nwant\n%s", args, got, want)
		}
		if g := serverGoroutines(); len(g) > 0 {
			t.Fatalf("run %s returned with %d goroutines of its servers left, the first:\n%s", args, len(g), g[0])
		}
	}
}

func TestServersHaveReadWriteAndIdleTimeouts(t *testing.T) {
	sys, err := startSystem("127.0.0.1:0", &fakeBackend{minLatency, func(backendEvent) {}}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	if len(sys.servers) != 2 {
		t.Fatalf("%d servers, want the frontend and the backend", len(sys.servers))
	}
	for _, srv := range sys.servers {
		if srv.ReadTimeout != readTimeout || srv.WriteTimeout != writeTimeout || srv.IdleTimeout != idleTimeout {
			t.Errorf("a server has ReadTimeout %v, WriteTimeout %v, IdleTimeout %v; want %v, %v, %v",
				srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, readTimeout, writeTimeout, idleTimeout)
		}
	}
}

// TestCloseIsBoundedByGrace: 100 peers, half on each server, each send half
// a request header and stop; a search is in flight (its backend would take
// an hour). Close cancels the search at once, waits grace for the peers, then
// closes their connections: it takes grace plus well under a second. With
// Shutdown(context.Background()) it would wait until net/http gives up on
// the peers, 5s after they connected. Run with -v to see the time.
func TestCloseIsBoundedByGrace(t *testing.T) {
	events := make(chan backendEvent, 2)
	sys, err := startSystem("127.0.0.1:0", &fakeBackend{time.Hour, func(e backendEvent) { events <- e }}, false)
	if err != nil {
		t.Fatal(err)
	}
	var peers []net.Conn
	for i := range 100 {
		u := []string{sys.URL, sys.backendURL}[i%2]
		c, err := net.Dial("tcp", strings.TrimPrefix(u, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprint(c, "GET /search?q=half HTTP/1.1\r\nHost: x\r\n") // no blank line: the header never ends
		peers = append(peers, c)
	}
	client := &http.Client{Transport: &http.Transport{}, Timeout: safety}
	defer client.CloseIdleConnections()
	status := make(chan string, 1)
	go func() { status <- get(context.Background(), client, sys.URL+"/search?q=inflight") }()
	// Each server accepts in order: the search reaching the backend means
	// both have accepted their peers.
	select {
	case <-events:
	case <-time.After(safety):
		t.Fatal("the search never reached the backend")
	}
	start := time.Now()
	sys.Close()
	for _, c := range peers {
		c.SetReadDeadline(time.Now().Add(safety))
		if _, err := io.ReadAll(c); errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("a peer's connection is still open after Close: %v", err)
		}
	}
	took := time.Since(start)
	t.Logf("Close, until 100 peers that sent half a request saw their connections end, took %v (grace %v)", took, grace)
	if took > grace+time.Second {
		t.Errorf("Close took %v, want at most grace (%v) plus 1s", took, grace)
	}
	if e := <-events; !e.ended || !strings.HasSuffix(e.text, "(context canceled), so it stopped") {
		t.Errorf("the in-flight search's backend request: %v, want its context cancelled", e)
	}
	// Close cancels the search before it closes any connection: the
	// handler still answers. Its error is the cancellation or the backend's
	// answer ending, whichever the frontend's client sees first.
	if s := <-status; !strings.HasPrefix(s, "  500 Internal Server Error after") {
		t.Errorf("the in-flight search got %q, want a 500 from its handler", s)
	}
	for _, u := range []string{sys.URL, sys.backendURL} {
		if c, err := net.Dial("tcp", strings.TrimPrefix(u, "http://")); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after Close", u)
		}
	}
}

// TestListenServesUntilInterrupted runs the program with -listen, asks it
// what the README tells a reader to curl, and stops it as Ctrl-C does.
func TestListenServesUntilInterrupted(t *testing.T) {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(pw, []string{"-listen", "127.0.0.1:0"})
		pw.Close()
	}()
	lines := make(chan string)
	go func() {
		for sc := bufio.NewScanner(pr); sc.Scan(); {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func(want string) string {
		t.Helper()
		select {
		case l := <-lines:
			if !regexp.MustCompile("^" + want + "$").MatchString(l) {
				t.Fatalf("run printed %q, want %q", l, want)
			}
			return l
		case <-time.After(safety):
			t.Fatalf("run printed nothing more; want %q", want)
			return ""
		}
	}
	next(`frontend http://127\.0\.0\.1:\d+, fake backend http://127\.0\.0\.1:\d+ answering after 100ms; Ctrl-C stops both`)
	u := strings.TrimSuffix(strings.TrimPrefix(next(`try: curl 'http://127\.0\.0\.1:\d+/search\?q=golang&timeout=80ms'`), "try: curl '"), "'")
	client := &http.Client{Transport: &http.Transport{}, Timeout: safety}
	defer client.CloseIdleConnections()
	if got := get(context.Background(), client, u); !regexp.MustCompile(`^  504 Gateway Timeout after \d+ms:\n    search timed out after 80ms\n$`).MatchString(got) {
		t.Errorf("GET %s: %q, want 504", u, got)
	}
	next(`backend: q="golang" from userip 127\.0\.0\.1 arrived`)
	next(`backend: q="golang" from userip 127\.0\.0\.1: its request's context ended after \d+ms \(context canceled\), so it stopped`)
	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	next(`both servers stopped`)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
