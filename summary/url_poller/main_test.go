package main

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The tests in this file use real connections on 127.0.0.1, outside synctest
// (network I/O is not durably blocking). They wait on events, never on time.

// runOK runs the program with args and returns what it printed; an error fails the test.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(&out, args); err != nil {
		t.Fatalf("run(%q): %v", args, err)
	}
	return out.String()
}

// TestRunForZeroStartsAndStopsTheLocalServer: -for 0 stops at once; when
// run returns, none of its goroutines is left.
func TestRunForZeroStartsAndStopsTheLocalServer(t *testing.T) {
	out := runOK(t, "-for", "0")
	want := regexp.MustCompile(`^Share Memory by Communicating: 2 pollers HEAD each URL every 250ms \(\+100ms for each connection error in a row\);
a monitor goroutine owns the last status of each and reports every 300ms\. Stop after 0s\.
Polling a local server \(fast, slow: 50ms, 404, 500\) and a closed port, which refuses connections:
  http://127\.0\.0\.1:[0-9]+/fast
  http://127\.0\.0\.1:[0-9]+/slow
  http://127\.0\.0\.1:[0-9]+/missing
  http://127\.0\.0\.1:[0-9]+/broken
  http://127\.0\.0\.1:[0-9]+/
 +[0-9]+ms stopped: the pollers, the sleepers, the feeder and the monitor have all returned
$`)
	if !want.MatchString(out) {
		t.Errorf("run -for 0 printed:\n%s", out)
	}
	buf := make([]byte, 1<<20)
	for g := range strings.SplitSeq(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if strings.Contains(g, "main.poll(") || strings.Contains(g, "main.Poller(") || strings.Contains(g, "main.StateMonitor.") || strings.Contains(g, "main.(*Resource).Sleep(") {
			t.Errorf("a goroutine of poll is left after run returned:\n%s", g)
		}
	}
}

func TestRunPollsTheURLsGiven(t *testing.T) {
	urls, closeAll := startServers()
	defer closeAll()
	lines := strings.Split(runOK(t, "-for", "0", "-url", urls[0], "-url", urls[2]), "\n")
	if len(lines) != 7 || lines[2] != "Polling the URLs given:" || lines[3] != "  "+urls[0] || lines[4] != "  "+urls[2] {
		t.Errorf("run -url printed:\n%s", strings.Join(lines, "\n"))
	}
}

func TestURLFlagTakesUpTo20HTTPURLs(t *testing.T) {
	var many []string
	for i := range maxURLs + 1 {
		many = append(many, "-url", fmt.Sprintf("http://127.0.0.1:1/%d", i))
	}
	for _, args := range [][]string{{"-url", "ftp://example.com/"}, {"-url", "http://"}, {"-url", "%"}, many} {
		if err := run(&bytes.Buffer{}, args); err == nil || !strings.HasPrefix(err.Error(), `invalid value "`) || !strings.Contains(err.Error(), "-url") {
			t.Errorf("run(%q) = %v, want an error naming -url", args[:2], err)
		}
	}
	runOK(t, append(many[:2*maxURLs], "-for", "0")...)
}

func TestRealPollCountsConnectionErrorsOnly(t *testing.T) {
	urls, closeAll := startServers()
	defer closeAll()
	refused := urls[4]
	// A server that resets every connection once it has the request.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Read(make([]byte, 1024))
			c.(*net.TCPConn).SetLinger(0) // Close sends a reset
			c.Close()
		}
	}()
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	head := httpHead(transport)
	var logged bytes.Buffer
	l := log.New(&logged, "", 0)
	for _, tc := range []struct {
		url    string
		status string
		errs   int // errCount after the poll, from 3
	}{
		{urls[0], "200 OK", 0},
		{urls[1], "200 OK", 0},
		{urls[2], "404 Not Found", 0},
		{urls[3], "500 Internal Server Error", 0},
		{refused, "connection refused", 4},
		{"http://" + ln.Addr().String() + "/", "connection reset", 4},
	} {
		r := &Resource{url: tc.url, errCount: 3}
		if s := r.Poll(context.Background(), head, l); !strings.Contains(s, tc.status) || r.errCount != tc.errs {
			t.Errorf("Poll %s = %q, errCount %d; want %q, %d", tc.url, s, r.errCount, tc.status, tc.errs)
		}
	}
	start := time.Now()
	if (&Resource{url: urls[1]}).Poll(context.Background(), head, l); time.Since(start) < slowLatency {
		t.Errorf("the slow URL answered after %v, want at least %v", time.Since(start), slowLatency)
	}
	if n := strings.Count(logged.String(), "\n"); !strings.HasPrefix(logged.String(), "Error "+refused+" ") || n != 2 {
		t.Errorf("logged %q, want an Error line for %s and one for the reset", logged.String(), refused)
	}
}

func TestRealSlowRequestIsAbandonedAtStop(t *testing.T) {
	entered := make(chan string)
	left := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- r.Method
		<-r.Context().Done() // ends only when the client gives up
		close(left)
	}))
	defer srv.Close()
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	ctx, cancel := context.WithCancel(context.Background())
	r := &Resource{url: srv.URL + "/hang"}
	status := make(chan string)
	go func() { status <- r.Poll(ctx, httpHead(transport), log.New(&bytes.Buffer{}, "", 0)) }()
	if m := <-entered; m != http.MethodHead {
		t.Errorf("the server got a %s request, want HEAD", m)
	}
	cancel()
	if s := <-status; !strings.Contains(s, "context canceled") || r.errCount != 0 {
		t.Errorf("Poll = %q, errCount %d; want context canceled, 0", s, r.errCount)
	}
	<-left // the server saw the request end
}
