package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// bubbled returns how many goroutines the caller's synctest bubble holds, the
// caller included, once every one of them has run as far as it can without
// time passing: a goroutine that sleeps or is blocked counts, one that has
// ended does not.
func bubbled() int {
	synctest.Wait()
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	// Each goroutine's header reads "goroutine N [state, synctest bubble B]:";
	// the caller's comes first.
	first, _, _ := bytes.Cut(buf, []byte("\n"))
	bubble := first[bytes.LastIndex(first, []byte(", synctest bubble ")):]
	n := 0
	for line := range bytes.Lines(buf) {
		if bytes.HasPrefix(line, []byte("goroutine ")) && bytes.HasSuffix(bytes.TrimSuffix(line, []byte("\n")), bubble) {
			n++
		}
	}
	return n
}

// The page's sample: what go run ./summary/url_poller prints with its default
// flags, but for the ledger's line, with its servers on 127.0.0.1. Here they
// run over net.Pipe in virtual time, and every time is exact; on 127.0.0.1 a
// time may be a few ms later.
func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if err := show(context.Background(), &out, new(memNet), time.Second, nil); err != nil {
			t.Fatal(err)
		}
		if out.String() != pageSample {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), pageSample)
		}
	})
}

const pageSample = `Share Memory by Communicating: 2 pollers HEAD each URL every 250ms, plus 100ms for each
connection error in a row; a monitor goroutine owns each URL's last status and reports
them when one has changed. Stop after 1s. Polling local servers:
fast, slow (50ms), 404, 500, and one that is down until 700ms:
  http://local/fast
  http://local/slow
  http://local/missing
  http://local/broken
  http://late/fast
   0ms Error http://late/fast dial tcp late:80: connection refused: 1 in a row, next poll in 350ms
 300ms Current state:
 300ms  http://late/fast dial tcp late:80: connection refused
 300ms  http://local/broken 500 Internal Server Error
 300ms  http://local/fast 200 OK
 300ms  http://local/missing 404 Not Found
 300ms  http://local/slow 200 OK
 350ms Error http://late/fast dial tcp late:80: connection refused: 2 in a row, next poll in 450ms
 900ms Current state:
 900ms  http://late/fast 200 OK
 900ms  http://local/broken 500 Internal Server Error
 900ms  http://local/fast 200 OK
 900ms  http://local/missing 404 Not Found
 900ms  http://local/slow 200 OK
1000ms stopped: the pollers, the sleepers, the feeder and the monitor have all returned
`

// Whatever -for is, the pollers, sleepers, feeder, monitor, the client's
// connections and the local servers have all ended when show returns, in the
// middle of a slow request (-for 320ms) too.
func TestShowLeavesNoGoroutineBehind(t *testing.T) {
	t.Parallel()
	for _, d := range []time.Duration{0, ms(320), time.Second} {
		synctest.Test(t, func(t *testing.T) {
			before := bubbled()
			if err := show(context.Background(), new(bytes.Buffer), new(memNet), d, nil); err != nil {
				t.Fatal(err)
			}
			if n := bubbled() - before; n != 0 {
				t.Fatalf("-for %v: %d goroutines still sleeping or blocked when show returned, want 0: a poller, sleeper, the feeder, the monitor or a server was left behind", d, n)
			}
		})
	}
}

// Ctrl-C cancels the context main passes: show stops at once, as at the end
// of -for, with every goroutine returned.
func TestShowStopsWhenItsContextIsCancelled(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(ms(450), cancel) // Ctrl-C at 450ms
		var out bytes.Buffer
		start := time.Now()
		if err := show(ctx, &out, new(memNet), time.Minute, nil); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took != ms(450) || !strings.HasSuffix(out.String(), " 450ms stopped: the pollers, the sleepers, the feeder and the monitor have all returned\n") {
			t.Fatalf("show returned after %v, printing:\n%s\nwant it to stop at 450ms, when its context was cancelled, with its stopped line", took, out.String())
		}
	})
}

// When a server cannot listen, show returns the error, for main to print
// before it exits 1, and leaves nothing behind.
func TestShowReturnsAListenError(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"local:80", "late:80"} {
		synctest.Test(t, func(t *testing.T) {
			before := bubbled()
			nw := &failingNet{name: name}
			if err := show(context.Background(), new(bytes.Buffer), nw, time.Second, nil); err == nil || !strings.Contains(err.Error(), "listen on "+name+": no port free") {
				t.Errorf("with %s failing to listen, show returned %v, want that error", name, err)
			}
			if n := bubbled() - before; n != 0 {
				t.Fatalf("with %s failing to listen, %d goroutines still sleeping or blocked when show returned, want 0: a server or its listener was left behind", name, n)
			}
		})
	}
}

// A failingNet is a memNet on which listening on one name fails, as
// net.Listen does when no port is free.
type failingNet struct {
	memNet
	name string
}

func (n *failingNet) Listen(name string) (net.Listener, error) {
	if name == n.name {
		return nil, errors.New("listen on " + name + ": no port free")
	}
	return n.memNet.Listen(name)
}

func TestCheckAcceptsTheStatedBoundsOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		d    time.Duration
		args []string
		ok   bool
	}{
		{0, nil, true}, {time.Minute, nil, true}, {-time.Nanosecond, nil, false}, {time.Minute + time.Nanosecond, nil, false},
		{time.Second, []string{"extra"}, false},
	} {
		if err := check(c.d, c.args); (err == nil) != c.ok {
			t.Errorf("check(%v, %q) = %v, want ok %t", c.d, c.args, err, c.ok)
		}
	}
}

// A -url that is not an http or https URL is polled like any other, and each
// poll shows why it cannot be made, counted as a connection error.
func TestAURLThatIsNotOneShowsAsTheErrorOfItsPolls(t *testing.T) {
	t.Parallel()
	head := httpHead(&http.Transport{})
	for url, want := range map[string]string{"ftp://x/": `unsupported protocol scheme "ftp"`, "%": `invalid URL escape "%"`, "http://": "no Host in request URL"} {
		r := &Resource{url: url}
		if s := r.Poll(context.Background(), head, log.New(io.Discard, "", 0)); !strings.Contains(s, want) || r.errCount != 1 {
			t.Errorf("Poll %q = %q, errCount %d; want %q, 1: check lets it through, and each poll shows why it cannot be made", url, s, r.errCount, want)
		}
	}
}

// The tests below use real connections on 127.0.0.1, outside synctest
// (network I/O is not durably blocking). Each waits on events, bounded by
// realBound so that a break fails within seconds.
const realBound = 5 * time.Second

// The program's own run, on 127.0.0.1: show returns within realBound, with no
// error, and prints what holds in every run whatever the times: the header,
// the late server's first refusal, the other servers' answers by the first
// report, and the stop.
func TestRealShowOnLoopbackPrintsWhatEveryRunPrints(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- show(t.Context(), &out, new(loopback), time.Second, nil) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("show on 127.0.0.1 returned %v, want nil: a local server could not listen", err)
		}
	case <-time.After(realBound):
		t.Fatalf("show on 127.0.0.1 had not returned after %v, polling for 1s: a poller, sleeper, the feeder, the monitor or a server did not stop", realBound)
	}
	header, _, _ := strings.Cut(pageSample, "   0ms ")
	got := out.String()
	if !strings.HasPrefix(got, header) {
		t.Errorf("output:\n%s\nwant it to begin with:\n%s", got, header)
	}
	for _, want := range []string{
		"ms Error http://late/fast dial tcp late:80: connection refused: 1 in a row, next poll in 350ms\n",
		"ms Current state:\n",
		"ms  http://local/broken 500 Internal Server Error\n",
		"ms  http://local/fast 200 OK\n",
		"ms  http://local/missing 404 Not Found\n",
		"ms  http://local/slow 200 OK\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output:\n%s\nwant a line ending %q: the local servers on 127.0.0.1 did not answer as over net.Pipe", got, want)
		}
	}
	if want := "ms stopped: the pollers, the sleepers, the feeder and the monitor have all returned\n"; !strings.HasSuffix(got, want) {
		t.Errorf("output:\n%s\nwant its last line to end %q", got, want)
	}
}

func TestRealPollCountsConnectionErrorsOnly(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/fast", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "broken", http.StatusInternalServerError) })
	srv, closed := httptest.NewServer(mux), httptest.NewServer(nil)
	defer srv.Close()
	closed.Close() // its port now refuses connections
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
	head := httpHead(transport) // each request bounded by headTimeout (1s)
	var logged bytes.Buffer
	l := log.New(&logged, "", 0)
	for _, tc := range []struct {
		url    string
		status string
		errs   int // errCount after the poll, from 3
	}{
		{srv.URL + "/fast", "200 OK", 0},
		{srv.URL + "/missing", "404 Not Found", 0},
		{srv.URL + "/broken", "500 Internal Server Error", 0},
		{closed.URL + "/", "connection refused", 4},
		{"http://" + ln.Addr().String() + "/", "connection reset", 4},
	} {
		r := &Resource{url: tc.url, errCount: 3}
		if s := r.Poll(context.Background(), head, l); !strings.Contains(s, tc.status) || r.errCount != tc.errs {
			t.Errorf("Poll %s = %q, errCount %d; want %q, %d: only a connection error counts, any response sets the count to 0", tc.url, s, r.errCount, tc.status, tc.errs)
		}
	}
	want := "Error " + closed.URL + "/ dial tcp " + strings.TrimPrefix(closed.URL, "http://") + ": connect: connection refused: 4 in a row, next poll in 650ms\n"
	if !strings.HasPrefix(logged.String(), want) || strings.Count(logged.String(), "\n") != 2 {
		t.Errorf("logged %q, want %q first and one line for the reset", logged.String(), want)
	}
}

func TestRealSlowRequestIsAbandonedAtStop(t *testing.T) {
	t.Parallel()
	entered := make(chan string, 1)
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
	defer cancel()
	r := &Resource{url: srv.URL + "/hang"}
	status := make(chan string, 1)
	go func() { status <- r.Poll(ctx, httpHead(transport), log.New(&bytes.Buffer{}, "", 0)) }()
	select {
	case m := <-entered:
		if m != http.MethodHead {
			t.Errorf("the server got a %s request, want HEAD", m)
		}
	case <-time.After(realBound):
		t.Fatal("the poll never reached the server")
	}
	cancel()
	select {
	case s := <-status:
		if !strings.Contains(s, "context canceled") || r.errCount != 0 {
			t.Errorf("Poll = %q, errCount %d; want context canceled, 0: a poll abandoned at stop is not a connection error", s, r.errCount)
		}
	case <-time.After(realBound):
		t.Fatal("Poll did not return when its ctx was cancelled: the HEAD request ignores ctx")
	}
	select {
	case <-left:
	case <-time.After(realBound):
		t.Fatal("the server never saw the abandoned request end")
	}
}

// The ledger names each stuck goroutine by where it waits.
func TestLedgerNamesWhereGoroutinesAreStuck(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		stuck := make(chan string)
		_, _, line, _ := runtime.Caller(0)
		for range 2 {
			go func() { stuck <- "not yet received" }() // line+2: the line the ledger must name
		}
		synctest.Wait() // both are blocked in their send
		var out bytes.Buffer
		ledger(&out, 0)
		want := fmt.Sprintf("  2 sending on a channel in TestLedgerNamesWhereGoroutinesAreStuck.func1.1 at main_test.go:%d\n", line+2)
		if !strings.HasPrefix(out.String(), "goroutines still running: ") || !strings.Contains(out.String(), want) {
			t.Fatalf("ledger printed:\n%s\nwant a count, then the line\n%s", out.String(), want)
		}
		<-stuck
		<-stuck
	})
}
