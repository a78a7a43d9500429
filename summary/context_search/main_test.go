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
	"regexp"
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

// The page's sample: what go run ./summary/context_search prints with its
// default flags, but for the ledger's line, with its servers on 127.0.0.1.
// Here they run over net.Pipe in virtual time, and every time is exact; on
// 127.0.0.1 a time may be a few ms later. The
// timed-out request reaches the backend and ends there at its 50ms timeout:
// the backend's own report says so, nothing stands in for it.
func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	for how, today := range map[string]bool{"the article's httpDo": false, "http.NewRequestWithContext": true} {
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			if err := show(t.Context(), &out, new(memNet), "", 100*time.Millisecond, today); err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf(pageSample, how)
			if out.String() != want {
				t.Fatalf("-today=%v printed:\n%s\nwant:\n%s", today, out.String(), want)
			}
		})
	}
}

const pageSample = `context_search: /search derives its context from the request's, so the backend sees every cancellation (searching with %s)
frontend http://frontend:80 and fake backend http://backend:80; the backend answers after 100ms
fast: GET /search?q=golang&timeout=1s
  200 OK after 100ms:
    golang, result 1 - https://example.com/golang/1
    golang, result 2 - https://example.com/golang/2
    golang, result 3 - https://example.com/golang/3
    3 results in 100ms; timeout 1s
  backend: q="golang" from userip 127.0.0.1 answered after 100ms
timed out: GET /search?q=gophers&timeout=50ms
  504 Gateway Timeout after 50ms:
    search timed out after 50ms
  backend: q="gophers" from userip 127.0.0.1: its request's context ended after 50ms (context canceled: the frontend hung up, and a server is not told why), so it stopped
client gives up: GET /search?q=channels
  (the client gives up after 50ms, while the backend works)
  the client got no answer after 50ms: context canceled
  backend: q="channels" from userip 127.0.0.1: its request's context ended after 50ms (context canceled: the frontend hung up, and a server is not told why), so it stopped
both servers stopped
`

// On 127.0.0.1 the demo's lines come in real time, so only what holds in
// every run is checked: each search's outcome and the servers' stop. (Under
// load the client may give up before the backend has its request, and the
// backend's line then says so; the virtual-time test pins the whole sample.)
func TestRealShowOnLoopbackGivesEachSearchItsOutcome(t *testing.T) {
	t.Parallel()
	const bound = 5 * time.Second
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- show(t.Context(), &out, new(loopback), "", 100*time.Millisecond, false) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("show on 127.0.0.1 returned %v, want nil: a server could not listen", err)
		}
	case <-time.After(bound):
		t.Fatalf("show on 127.0.0.1 had not returned after %v: a search, handler or server did not stop", bound)
	}
	got := out.String()
	for _, want := range []string{
		"\n  200 OK after ",
		"\n    3 results in ",
		"\n  504 Gateway Timeout after ",
		"\n  the client got no answer after ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("on 127.0.0.1 show printed:\n%s\nwant a line starting %q", got, strings.TrimPrefix(want, "\n"))
		}
	}
	if !strings.HasSuffix(got, "\nboth servers stopped\n") {
		t.Errorf("on 127.0.0.1 show printed:\n%s\nwant it to end with the servers' stop", got)
	}
}

func TestShowLeavesNoGoroutineBehind(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		if err := show(t.Context(), new(bytes.Buffer), new(memNet), "", minLatency, false); err != nil {
			t.Fatal(err)
		}
		if n := bubbled() - before; n != 0 {
			t.Fatalf("%d goroutines still sleeping or blocked when show returned, want 0: a server, handler, search or connection was left behind", n)
		}
	})
}

// When a server cannot listen, show returns the error, for main to print
// before it exits 1, and leaves nothing behind.
func TestShowReturnsAListenError(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"frontend:80", "backend:80"} {
		synctest.Test(t, func(t *testing.T) {
			before := bubbled()
			nw := &failingNet{name: name}
			if err := show(t.Context(), new(bytes.Buffer), nw, "", minLatency, false); err == nil || !strings.Contains(err.Error(), "listen on "+name+": no port free") {
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
		latency time.Duration
		args    []string
		ok      bool
	}{
		{20 * time.Millisecond, nil, true}, {500 * time.Millisecond, nil, true},
		{20*time.Millisecond - 1, nil, false}, {500*time.Millisecond + 1, nil, false},
		{100 * time.Millisecond, []string{"extra"}, false},
	} {
		if err := check(c.latency, c.args); (err == nil) != c.ok {
			t.Errorf("check(%v, %q) = %v, want ok %t", c.latency, c.args, err, c.ok)
		}
	}
}

// inBubble starts both servers on an in-process network, with a backend
// that takes latency, and returns them, the network and the backend's log.
func inBubble(latency time.Duration) (stop func(), pn *memNet, events *backendLog) {
	pn = new(memNet)
	events = newBackendLog()
	front, _ := pn.Listen("frontend:80") // a memNet's Listen never fails
	stop, _ = startSystem(pn, front, fakeBackend(latency, events.report), false)
	return stop, pn, events
}

// dialRaw connects to addr on pn as a peer that speaks HTTP by hand.
func dialRaw(t *testing.T, pn *memNet, addr string) net.Conn {
	t.Helper()
	c, err := pn.DialContext(context.Background(), "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// closedAfter reads c until the server closes it, or for an hour at most, and
// returns what it read and when, since start (an hour: still open).
func closedAfter(c net.Conn, start time.Time) (string, time.Duration) {
	c.SetReadDeadline(time.Now().Add(time.Hour))
	b, _ := io.ReadAll(c)
	return string(b), time.Since(start)
}

var servers = map[string]string{"the frontend": "frontend:80", "the backend": "backend:80"}

// A peer that sends half a request header and stops holds a connection for
// readTimeout (5s), not for ever: then the server closes it, unanswered.
func TestServersDropAPeerThatNeverFinishesItsHeaderAfterReadTimeout(t *testing.T) {
	t.Parallel()
	for name, addr := range servers {
		synctest.Test(t, func(t *testing.T) {
			stop, pn, _ := inBubble(minLatency)
			defer stop()
			c := dialRaw(t, pn, addr)
			defer c.Close()
			start := time.Now()
			fmt.Fprint(c, "GET /search?q=half HTTP/1.1\r\nHost: x\r\n") // no blank line: the header never ends
			if got, after := closedAfter(c, start); got != "" || after != readTimeout {
				t.Fatalf("%s closed a connection whose request header never ends after %v with %q, want after readTimeout (%v) with nothing: without a read deadline such a peer holds a connection for ever", name, after, got, readTimeout)
			}
		})
	}
}

// A peer that sends a request and never reads the answer holds its handler's
// write for writeTimeout (10s) at most: reading at 9s, it still gets the
// answer; at 11s, the server has closed the connection.
func TestServersDropAPeerThatNeverReadsAfterWriteTimeout(t *testing.T) {
	t.Parallel()
	for name, addr := range servers {
		for _, readAt := range []time.Duration{9 * time.Second, 11 * time.Second} {
			synctest.Test(t, func(t *testing.T) {
				stop, pn, _ := inBubble(minLatency)
				defer stop()
				c := dialRaw(t, pn, addr)
				defer c.Close()
				fmt.Fprint(c, "GET /search?q=unread HTTP/1.1\r\nHost: x\r\n\r\n")
				time.Sleep(readAt)
				got, _ := closedAfter(c, time.Now())
				if answered := strings.HasPrefix(got, "HTTP/1.1 "); answered != (readAt < writeTimeout) {
					t.Fatalf("%s: a peer that first reads at %v got %q; want the answer before writeTimeout (%v), a closed connection after", name, readAt, got, writeTimeout)
				}
			})
		}
	}
}

// A peer that keeps a connection open after its answer is dropped once the
// connection has been idle for idleTimeout (1 min).
func TestServersCloseAConnectionIdleForIdleTimeout(t *testing.T) {
	t.Parallel()
	for name, addr := range servers {
		synctest.Test(t, func(t *testing.T) {
			stop, pn, _ := inBubble(minLatency)
			defer stop()
			c := dialRaw(t, pn, addr)
			defer c.Close()
			fmt.Fprint(c, "GET /search?q=idle&timeout=1s HTTP/1.1\r\nHost: x\r\n\r\n")
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			io.ReadAll(resp.Body)
			resp.Body.Close()
			answered := time.Now()
			if rest, after := closedAfter(c, answered); br.Buffered() != 0 || rest != "" || after != idleTimeout {
				t.Fatalf("%s closed an idle connection %v after its answer, want idleTimeout (%v)", name, after, idleTimeout)
			}
		})
	}
}

// The timed-out search reaches the backend, whose own request ends at the
// frontend's 50ms timeout, not at its 100ms latency.
func TestTimedOutSearchEndsTheBackendsRequestAtTheTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		stop, pn, events := inBubble(100 * time.Millisecond)
		defer stop()
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, DialContext: pn.DialContext}}
		got := get(context.Background(), client, "http://frontend:80/search?q=gophers&timeout=50ms")
		if want := "  504 Gateway Timeout after 50ms:\n    search timed out after 50ms\n"; got != want {
			t.Errorf("the client got %q, want %q", got, want)
		}
		want := `q="gophers" from userip 127.0.0.1: its request's context ended after 50ms (context canceled: the frontend hung up, and a server is not told why), so it stopped`
		if seen := events.wait("gophers", time.Hour); seen != want {
			t.Fatalf("the backend reported %q, want the request to have reached it and its context to end at the frontend's 50ms timeout:\n%q", seen, want)
		}
	})
}

// TestStopIsBoundedByGrace: 100 peers, half on each server, each send half
// a request header and stop; a search is in flight (its backend would take
// an hour). stop cancels the search at once, waits grace for the peers, then
// closes their connections: in virtual time it takes grace exactly. With
// Shutdown(context.Background()) it would wait until readTimeout drops them.
func TestStopIsBoundedByGrace(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		stop, pn, events := inBubble(time.Hour)
		var peers []net.Conn
		for i := range 100 {
			c := dialRaw(t, pn, []string{"frontend:80", "backend:80"}[i%2])
			defer c.Close()
			fmt.Fprint(c, "GET /search?q=half HTTP/1.1\r\nHost: x\r\n")
			peers = append(peers, c)
		}
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, DialContext: pn.DialContext}}
		status := make(chan string, 1)
		go func() { status <- get(context.Background(), client, "http://frontend:80/search?q=inflight") }()
		synctest.Wait() // the search has reached the backend
		start := time.Now()
		stop()
		if took := time.Since(start); took != grace {
			t.Errorf("stop took %v, want grace (%v): it must not wait longer for peers that never finish a request", took, grace)
		}
		for _, c := range peers {
			if got, after := closedAfter(c, start); got != "" || after != grace {
				t.Fatalf("a peer that sent half a request saw its connection end %v after stop began, want %v", after, grace)
			}
		}
		if seen := events.wait("inflight", 0); !strings.HasSuffix(seen, "so it stopped") {
			t.Errorf("the in-flight search's backend request: %q, want its context canceled", seen)
		}
		// stop cancels the search before it closes any connection: the
		// handler still answers, with the cancellation.
		if s := <-status; !strings.HasPrefix(s, "  500 Internal Server Error after 0s") {
			t.Errorf("the in-flight search got %q, want a 500 from its handler at once", s)
		}
	})
}

// When the servers stop, a request the backend is still working on ends with
// the stop's cause, which the backend prints.
func TestStopTellsTheBackendWhy(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		stop, pn, events := inBubble(time.Hour)
		c := dialRaw(t, pn, "backend:80")
		defer c.Close()
		fmt.Fprint(c, "GET /?q=direct HTTP/1.1\r\nHost: x\r\n\r\n")
		synctest.Wait() // the backend has the request
		stop()
		if seen := events.wait("direct", 0); !strings.HasSuffix(seen, "(the servers are stopping), so it stopped") {
			t.Errorf("the backend reported %q, want its request's context ended with the stop's cause, errStopping", seen)
		}
	})
}

// TestListenServesUntilInterrupted runs show with -listen on a real loopback
// port, asks it what the page tells a reader to curl, and stops it as Ctrl-C
// does, by cancelling its context. Each wait is bounded, so a break fails within seconds.
func TestListenServesUntilInterrupted(t *testing.T) {
	const bound = 5 * time.Second
	pr, pw := io.Pipe()
	ctx, ctrlC := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- show(ctx, pw, new(loopback), "127.0.0.1:0", 100*time.Millisecond, false)
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
				t.Fatalf("show printed %q, want %q", l, want)
			}
			return l
		case <-time.After(bound):
			t.Fatalf("show printed nothing more in %v; want %q", bound, want)
			return ""
		}
	}
	next(`frontend http://127\.0\.0\.1:\d+, its fake backend answering after 100ms; Ctrl-C stops both`)
	u := strings.TrimSuffix(strings.TrimPrefix(next(`try: curl 'http://127\.0\.0\.1:\d+/search\?q=golang&timeout=80ms'`), "try: curl '"), "'")
	client := &http.Client{Transport: &http.Transport{}, Timeout: bound}
	defer client.CloseIdleConnections()
	if got := get(context.Background(), client, u); !regexp.MustCompile(`^  504 Gateway Timeout after \d+ms:\n    search timed out after 80ms\n$`).MatchString(got) {
		t.Errorf("GET %s: %q, want 504", u, got)
	}
	next(`backend: q="golang" from userip 127\.0\.0\.1: its request's context ended after \d+ms \(context canceled: the frontend hung up, and a server is not told why\), so it stopped`)
	ctrlC()
	next(`both servers stopped`)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(bound):
		t.Fatal("show did not return after Ctrl-C")
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

// A report never waits for the demo: a thousand reports with nobody reading
// return at once, and the demo finds the latest one about each query.
func TestABackendReportNeverWaitsForItsReader(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		events := newBackendLog()
		done := make(chan struct{})
		go func() {
			for i := range 1000 {
				events.report("q", fmt.Sprint(i))
			}
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(time.Hour):
			t.Fatal("a backend report waited for a reader: with nobody reading, a handler that reports would block for ever")
		}
		if seen := events.wait("q", 0); seen != "999" {
			t.Errorf("wait(q) = %q, want the 1000th report", seen)
		}
	})
}
