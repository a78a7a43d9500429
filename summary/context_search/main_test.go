package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The tests in this file use real connections on 127.0.0.1, outside synctest
// (network I/O is not durably blocking). They wait on events: a response, a
// report from the backend, Close returning. Their deadlines of seconds are
// only a safety net, never the assertion.

const safety = 10 * time.Second

func TestMain(m *testing.M) {
	if os.Getenv("GO_CONCURRENCY_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runMain re-executes the test binary into main with args.
func runMain(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second) // a hang fails in 10s, not an assertion about time
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GO_CONCURRENCY_RUN_MAIN=1", "GORACE=atexit_sleep_ms=0")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatalf("the program with %q did not end within 10s", args)
	}
	return out.String(), errb.String(), code
}

func TestMainHelpExitsZero(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runMain(t, "-h")
	if code != 0 || stderr != "" {
		t.Fatalf("-h: exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	if !strings.HasPrefix(stdout, "context_search: a /search server whose handler's context ends its backend request on a timeout or when the client goes away\n") {
		t.Fatalf("-h printed %q, want the description line first", stdout)
	}
	for _, s := range []string{"-latency", "20ms to 500ms", "-today", "-trace"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("-h does not mention %s", s)
		}
	}
}

func TestMainBadInputExitsTwoWithOneLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-nope"}, "-nope"},
		{[]string{"-latency", "soon"}, "-latency"},
		{[]string{"-latency", "19ms"}, "-latency must be between 20ms and 500ms, got 19ms"},
		{[]string{"-latency", "501ms"}, "-latency must be between 20ms and 500ms, got 501ms"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-trace", filepath.Join(t.TempDir(), "no", "such", "dir", "x.trace")}, "-trace"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runMain(t, tc.args...)
			if code != 2 || stdout != "" {
				t.Errorf("%v: exit %d, stdout %q; want 2 and nothing", tc.args, code, stdout)
			}
			if !strings.HasPrefix(stderr, "context_search: ") || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("%v: stderr %q, want one line naming %q", tc.args, stderr, tc.want)
			}
		})
	}
}

func TestValidateLatency(t *testing.T) {
	for d, ok := range map[time.Duration]bool{
		0: false, minLatency - 1: false, minLatency: true, 100 * time.Millisecond: true, maxLatency: true, maxLatency + 1: false,
	} {
		if err := validate(d); (err == nil) != ok {
			t.Errorf("validate(%v) = %v, want ok %v", d, err, ok)
		}
	}
}

func TestRunHelpIsNotAnError(t *testing.T) {
	if err := run(io.Discard, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run -h returned %v, want flag.ErrHelp", err)
	}
}

// normalize replaces what differs between real runs: ports and measured
// milliseconds.
func normalize(s string) string {
	s = regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(s, "127.0.0.1:PORT")
	return regexp.MustCompile(`(OK after|Timeout after|answer after|answered after|ended after|results in) \d+ms`).ReplaceAllString(s, "$1 Nms")
}

const wantRun = `context_search: /search derives its context from the request's; the backend sees every cancellation (searching with %s)
frontend http://127.0.0.1:PORT, fake backend http://127.0.0.1:PORT answering after 100ms
fast: GET /search?q=golang&timeout=1s
  200 OK after Nms:
    golang, result 1 - https://example.com/golang/1
    golang, result 2 - https://example.com/golang/2
    golang, result 3 - https://example.com/golang/3
    3 results in Nms; timeout 1s
timed out: GET /search?q=gophers&timeout=50ms
  504 Gateway Timeout after Nms:
    search timed out after 50ms
client gives up: GET /search?q=channels
  (the client gives up 50ms after the backend has the request)
  the client got no answer after Nms: context canceled
both servers stopped; no handler or backend request left running
the backend saw, through its own requests' contexts:
  q="golang" from userip 127.0.0.1 answered after Nms
  q="gophers" from userip 127.0.0.1: its request's context ended after Nms (context canceled), so it stopped
  q="channels" from userip 127.0.0.1: its request's context ended after Nms (context canceled), so it stopped
`

// TestRunShowsTheThreeRequests: the outcomes do not depend on timing, with
// one exception. The backend's 100ms start only when it has the request, so
// the fast request has 900ms to spare and the timed-out one always times
// out; the client gives up 50ms after the backend has its request (an
// event). The exception: if the timed-out request takes longer than its 50ms
// to reach the backend, the backend never sees it, and run says so.
func TestRunShowsTheThreeRequests(t *testing.T) {
	for args, how := range map[string]string{"": "the article's httpDo", "-today": "http.NewRequestWithContext"} {
		t.Run(args, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			if err := run(&b, strings.Fields(args)); err != nil {
				t.Fatal(err)
			}
			got := strings.Replace(normalize(b.String()),
				`  q="gophers" never arrived: the frontend gave up before sending it`,
				`  q="gophers" from userip 127.0.0.1: its request's context ended after Nms (context canceled), so it stopped`, 1)
			if want := strings.Replace(wantRun, "%s", how, 1); got != want {
				t.Fatalf("run printed\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestTraceWritesAGoTrace(t *testing.T) {
	file := filepath.Join(t.TempDir(), "x.trace")
	if err := run(io.Discard, []string{"-latency", "20ms", "-trace", file}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("go 1.")) {
		t.Fatalf("the trace starts with %q, want a Go trace header", data[:min(len(data), 8)])
	}
}

// events is a fake backend whose reports arrive on channels.
type events struct {
	started chan string
	ended   chan backendEvent
}

func newEvents() *events {
	return &events{started: make(chan string, 10), ended: make(chan backendEvent, 10)}
}

func (e *events) backend(latency time.Duration) *fakeBackend {
	return &fakeBackend{latency: latency, started: func(q string) { e.started <- q }, ended: func(ev backendEvent) { e.ended <- ev }}
}

func (e *events) waitStarted(t *testing.T) string {
	t.Helper()
	select {
	case q := <-e.started:
		return q
	case <-time.After(safety):
		t.Fatal("the backend never got the request")
		return ""
	}
}

func (e *events) waitEnded(t *testing.T) backendEvent {
	t.Helper()
	select {
	case ev := <-e.ended:
		return ev
	case <-time.After(safety):
		t.Fatal("the backend's request never ended")
		return backendEvent{}
	}
}

// startSystem starts both servers for a test and closes them when it ends.
func startSystem(t *testing.T, fake *fakeBackend, today bool) (*system, *http.Client) {
	t.Helper()
	sys, err := start(fake, today)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Close() })
	client := &http.Client{Transport: &http.Transport{}, Timeout: safety}
	t.Cleanup(client.CloseIdleConnections)
	return sys, client
}

func bothSearchesReal(t *testing.T, f func(t *testing.T, today bool)) {
	for _, today := range []bool{false, true} {
		name := "httpDo"
		if today {
			name = "today"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t, today)
		})
	}
}

func TestRealSearchReturnsResults(t *testing.T) {
	bothSearchesReal(t, func(t *testing.T, today bool) {
		ev := newEvents()
		sys, client := startSystem(t, ev.backend(minLatency), today)
		status, body, _, err := get(context.Background(), client, sys.URL+"/search?q=golang&timeout=10s")
		if err != nil || status != "200 OK" || !strings.HasPrefix(body, "golang, result 1 - https://example.com/golang/1\n") ||
			!strings.HasSuffix(body, "; timeout 10s\n") {
			t.Fatalf("got %q %q %v, want 200 and results", status, body, err)
		}
		if e := ev.waitEnded(t); !e.answered || e.userIP != "127.0.0.1" {
			t.Fatalf("backend saw %v, want an answered search from 127.0.0.1", e)
		}
	})
}

// TestRealTimeoutIs504 over loopback. Whether the backend sees the request
// at all depends on its reaching the backend within 20ms, so this test does
// not ask; TestSearchTimesOutWith504AtTheTimeout shows the backend's request
// ending at exactly the timeout, in virtual time, and
// TestRealClientThatGivesUpEndsTheBackendsRequest shows a real cancellation
// reaching the real backend.
func TestRealTimeoutIs504(t *testing.T) {
	bothSearchesReal(t, func(t *testing.T, today bool) {
		ev := newEvents()
		sys, client := startSystem(t, ev.backend(time.Hour), today)
		status, body, _, err := get(context.Background(), client, sys.URL+"/search?q=golang&timeout=20ms")
		if err != nil || status != "504 Gateway Timeout" || body != "search timed out after 20ms\n" {
			t.Fatalf("got %q %q %v, want 504 and the timeout", status, body, err)
		}
		if err := sys.Close(); err != nil {
			t.Fatal(err)
		}
		if len(ev.ended) > 0 {
			if e := <-ev.ended; e.answered {
				t.Fatalf("backend answered %v", e)
			}
		}
	})
}

// TestRealClientThatGivesUpEndsTheBackendsRequest: a real client cancels its
// request once the backend has it; the server sees the connection close and
// cancels the handler's request context, from which the search's context
// derives; so the backend's request ends, seen in the backend itself. With
// context.Background() in handleSearch, it would wait out its hour.
func TestRealClientThatGivesUpEndsTheBackendsRequest(t *testing.T) {
	bothSearchesReal(t, func(t *testing.T, today bool) {
		ev := newEvents()
		sys, client := startSystem(t, ev.backend(time.Hour), today)
		ctx, cancel := context.WithCancel(context.Background())
		got := make(chan error, 1)
		go func() {
			_, _, _, err := get(ctx, client, sys.URL+"/search?q=channels")
			got <- err
		}()
		if q := ev.waitStarted(t); q != "channels" {
			t.Fatalf("backend got q=%q", q)
		}
		cancel()
		if e := ev.waitEnded(t); e.answered || !errors.Is(e.err, context.Canceled) || e.query != "channels" {
			t.Fatalf("backend saw %v, want its own request's context cancelled", e)
		}
		if err := <-got; !errors.Is(err, context.Canceled) {
			t.Fatalf("the client got %v, want its own cancellation", err)
		}
	})
}

func TestRealBadTimeoutIs400(t *testing.T) {
	ev := newEvents()
	sys, client := startSystem(t, ev.backend(minLatency), false)
	status, body, _, err := get(context.Background(), client, sys.URL+"/search?q=golang&timeout=soon")
	if err != nil || status != "400 Bad Request" || body != "bad timeout \"soon\": want a positive duration such as 1s or 250ms\n" {
		t.Fatalf("got %q %q %v, want 400 and what is wanted", status, body, err)
	}
}

// TestCloseLeavesNothingRunning closes the system while a search is in
// flight (its backend would take an hour). Close returns, having cancelled
// the search; then no handler and no backend request is running, and
// nothing listens any more.
func TestCloseLeavesNothingRunning(t *testing.T) {
	bothSearchesReal(t, func(t *testing.T, today bool) {
		ev := newEvents()
		sys, client := startSystem(t, ev.backend(time.Hour), today)
		got := make(chan string, 1)
		go func() {
			status, _, _, err := get(context.Background(), client, sys.URL+"/search?q=inflight")
			if err != nil {
				status = err.Error()
			}
			got <- status
		}()
		ev.waitStarted(t)
		// A request straight to the backend, not through the frontend: no
		// context of ours can cancel it; shutting the backend down ends it.
		direct := make(chan error, 1)
		go func() {
			_, _, _, err := get(context.Background(), client, sys.backend.URL+"/?q=direct")
			direct <- err
		}()
		ev.waitStarted(t)
		closed := make(chan error, 1)
		go func() { closed <- sys.Close() }()
		select {
		case err := <-closed:
			if err != nil {
				t.Fatalf("Close: %v", err)
			}
		case <-time.After(safety):
			t.Fatal("Close did not return while a search was in flight")
		}
		if n := sys.inflight.Load(); n != 0 {
			t.Errorf("%d handlers still running after Close", n)
		}
		if n := sys.fake.inflight.Load(); n != 0 {
			t.Errorf("%d backend requests still running after Close", n)
		}
		for range 2 {
			if e := ev.waitEnded(t); e.answered {
				t.Errorf("backend answered %v", e)
			}
		}
		<-direct
		if status := <-got; status == "200 OK" {
			t.Errorf("the in-flight search succeeded after Close")
		}
		for _, u := range []string{sys.URL, sys.backend.URL} {
			if c, err := net.Dial("tcp", strings.TrimPrefix(u, "http://")); err == nil {
				c.Close()
				t.Errorf("%s still accepts connections after Close", u)
			}
		}
		if err := sys.Close(); err != nil {
			t.Errorf("a second Close returned %v", err)
		}
	})
}
