package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain lets a test run the program's own main: the test binary, started
// again with GO_CONCURRENCY_RUN_MAIN=1, runs main instead of the tests.
func TestMain(m *testing.M) {
	if os.Getenv("GO_CONCURRENCY_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runMain runs main in a new process with args and returns its stdout,
// stderr and exit status.
func runMain(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second) // a hang fails in 10s, not an assertion about time
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GO_CONCURRENCY_RUN_MAIN=1", "GORACE=atexit_sleep_ms=0")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running main: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("the program with %q did not end within 10s", args)
	}
	return o.String(), e.String(), cmd.ProcessState.ExitCode()
}

func TestMainHelpExitsZero(t *testing.T) {
	stdout, stderr, status := runMain(t, "-h")
	if status != 0 || stderr != "" {
		t.Fatalf("-h: exit status %d, stderr %q; want 0 and nothing", status, stderr)
	}
	if !strings.HasPrefix(stdout, "url_poller: pollers HEAD URLs") ||
		!strings.Contains(stdout, "-for d") || !strings.Contains(stdout, "(0 to 1m)") ||
		!strings.Contains(stdout, "-url URL") || !strings.Contains(stdout, "up to 20") ||
		!strings.Contains(stdout, "-trace file") {
		t.Fatalf("-h printed:\n%s", stdout)
	}
}

func TestMainBadFlagsPrintOneLineAndExitTwo(t *testing.T) {
	// One child each for an unknown flag, a bad value and an out-of-range
	// value; TestParseRejectsBadInput tries every error in this process
	// (main prints each error of run the same way).
	for _, tc := range []struct {
		args []string
		want string // in the one line on stderr
	}{
		{[]string{"-nope"}, "-nope"},
		{[]string{"-url", "ftp://example.com/"}, "-url"},
		{[]string{"-for", "1m0.000000001s"}, "-for must be between 0 and 1m0s, got 1m0.000000001s"},
	} {
		t.Run(tc.args[0], func(t *testing.T) {
			t.Parallel()
			stdout, stderr, status := runMain(t, tc.args...)
			if status != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 ||
				!strings.HasPrefix(stderr, "url_poller: ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("%q: exit status %d, stdout %q, stderr %q; want 2, nothing, one line with %q",
					tc.args, status, stdout, stderr, tc.want)
			}
		})
	}
}

func TestParseRejectsBadInput(t *testing.T) {
	tooMany := []string{}
	for i := range maxURLs + 1 {
		tooMany = append(tooMany, "-url", fmt.Sprintf("http://127.0.0.1:1/%d", i))
	}
	for _, tc := range []struct {
		args []string
		want string // in the error
	}{
		{[]string{"-nope"}, "-nope"},
		{[]string{"-for", "x"}, "-for"},
		{[]string{"-for", "-1ns"}, "-for must be between 0 and 1m0s, got -1ns"},
		{[]string{"-for", "1m0.000000001s"}, "-for must be between 0 and 1m0s, got 1m0.000000001s"},
		{[]string{"-url", "ftp://example.com/"}, "-url"},
		{[]string{"-url", "http://"}, "-url"},
		{[]string{"-url", "%"}, "-url"},
		{tooMany, "at most 20 URLs"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		var out bytes.Buffer
		_, err := parse(&out, tc.args)
		if err == nil || errors.Is(err, flag.ErrHelp) || !strings.Contains(err.Error(), tc.want) || out.Len() != 0 {
			t.Errorf("parse(%q) = %v, printed %q; want an error with %q and nothing printed",
				tc.args[:min(len(tc.args), 4)], err, out.String(), tc.want)
		}
	}
}

func TestParseEdges(t *testing.T) {
	var twenty []string
	var want []string
	for i := range maxURLs {
		u := fmt.Sprintf("https://127.0.0.1:1/%d", i)
		twenty = append(twenty, "-url", u)
		want = append(want, u)
	}
	c, err := parse(&bytes.Buffer{}, twenty)
	if err != nil || !slices.Equal(c.urls, want) || c.dur != time.Second {
		t.Errorf("parse(20 URLs) = %+v, %v", c, err)
	}
	for _, tc := range []struct {
		args []string
		dur  time.Duration
	}{
		{[]string{"-for", "0"}, 0},
		{[]string{"-for", "1m"}, time.Minute},
	} {
		if c, err := parse(&bytes.Buffer{}, tc.args); err != nil || c.dur != tc.dur {
			t.Errorf("parse(%q) = %+v, %v; want -for %v", tc.args, c, err, tc.dur)
		}
	}
	if _, err := parse(&bytes.Buffer{}, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("parse(-h) = %v, want flag.ErrHelp", err)
	}
}

func TestRunForZeroStartsAndStopsTheLocalServers(t *testing.T) {
	// Real servers on loopback, outside synctest; -for 0 stops at once.
	var out bytes.Buffer
	if err := run(&out, []string{"-for", "0"}); err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^Share Memory by Communicating: 2 pollers HEAD each URL every 250ms \(\+100ms for each connection error in a row\);
a monitor goroutine owns the last status of each and reports every 300ms\. Stop after 0s\.
Polling local servers \(fast, slow: 50ms, 404, 500\) and a closed port, which refuses connections:
  http://127\.0\.0\.1:[0-9]+/fast
  http://127\.0\.0\.1:[0-9]+/slow
  http://127\.0\.0\.1:[0-9]+/missing
  http://127\.0\.0\.1:[0-9]+/broken
  http://127\.0\.0\.1:[0-9]+/
 +[0-9]+ms stopped: the pollers, the sleepers, the feeder and the monitor have all returned
$`)
	if !want.MatchString(out.String()) {
		t.Errorf("run -for 0 printed:\n%s", out.String())
	}
}

func TestRunPollsTheURLsGiven(t *testing.T) {
	urls, closeAll := startServers()
	defer closeAll()
	var out bytes.Buffer
	if err := run(&out, []string{"-for", "0", "-url", urls[0], "-url", urls[2]}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if len(lines) != 7 || lines[2] != "Polling the URLs given:" ||
		lines[3] != "  "+urls[0] || lines[4] != "  "+urls[2] {
		t.Errorf("run -url printed:\n%s", out.String())
	}
}

// reportWatcher is the monitor's writer in a real run: it cancels the run
// once one report lists want, so the test waits on that event, not on a
// clock.
type reportWatcher struct {
	mu     sync.Mutex
	want   map[string]string // url -> status wanted in one report
	report map[string]string
	out    bytes.Buffer
	cancel context.CancelFunc
}

func (r *reportWatcher) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out.Write(p)
	line := strings.TrimSuffix(string(p), "\n")
	switch {
	case line == "Current state:":
		r.report = map[string]string{}
	case strings.HasPrefix(line, " ") && r.report != nil:
		url, status, _ := strings.Cut(line[1:], " ")
		r.report[url] = status
		done := true
		for u, s := range r.want {
			if !strings.Contains(r.report[u], s) {
				done = false
			}
		}
		if done {
			r.cancel()
		}
	}
	return len(p), nil
}

func TestPollAgainstRealServersReportsEachStatus(t *testing.T) {
	urls, closeAll := startServers()
	fast, slow, missing, broken := urls[0], urls[1], urls[2], urls[3]
	refused, err := refusedURL()
	if err != nil {
		t.Fatal(err)
	}
	// The deadline is only a safety net: the watcher cancels the run as soon
	// as a report shows every status.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	w := &reportWatcher{cancel: cancel, want: map[string]string{
		fast:    "200 OK",
		slow:    "200 OK",
		missing: "404 Not Found",
		broken:  "500 Internal Server Error",
		refused: "connection refused",
	}}
	transport := &http.Transport{}
	head := httpHead(&http.Client{Transport: transport})
	poll(ctx, log.New(w, "", 0), append(urls, refused), head)
	transport.CloseIdleConnections()
	closeAll() // returns once every request the servers were handling has ended
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("no report showed every status within 20s:\n%s", w.out.String())
	}
	sc := bufio.NewScanner(strings.NewReader(w.out.String()))
	errorLines := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "Error "+refused) {
			errorLines++
		}
	}
	if errorLines == 0 {
		t.Errorf("no Error line for %s:\n%s", refused, w.out.String())
	}
}

func TestRealPollCountsConnectionErrorsOnly(t *testing.T) {
	urls, closeAll := startServers()
	defer closeAll()
	refused, err := refusedURL()
	if err != nil {
		t.Fatal(err)
	}
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	head := httpHead(&http.Client{Transport: transport})
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
	} {
		r := &Resource{url: tc.url, errCount: 3}
		if s := r.Poll(context.Background(), head, l); !strings.Contains(s, tc.status) || r.errCount != tc.errs {
			t.Errorf("Poll %s = %q, errCount %d; want %q, %d", tc.url, s, r.errCount, tc.status, tc.errs)
		}
	}
	if !strings.HasPrefix(logged.String(), "Error "+refused+" ") || strings.Count(logged.String(), "\n") != 1 {
		t.Errorf("logged %q, want one Error line for %s", logged.String(), refused)
	}
}

func TestRealSlowRequestIsAbandonedAtStop(t *testing.T) {
	entered := make(chan struct{})
	left := make(chan struct{})
	mux := http.NewServeMux()
	var method string
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		method = r.Method // read by the test after entered is closed
		close(entered)
		<-r.Context().Done() // ends only when the client gives up
		close(left)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	head := httpHead(&http.Client{Transport: transport})
	ctx, cancel := context.WithCancel(context.Background())
	r := &Resource{url: srv.URL + "/hang"}
	status := make(chan string)
	go func() { status <- r.Poll(ctx, head, log.New(&bytes.Buffer{}, "", 0)) }()
	<-entered
	if method != http.MethodHead {
		t.Errorf("the server got a %s request, want HEAD", method)
	}
	cancel()
	if s := <-status; !strings.Contains(s, "context canceled") || r.errCount != 0 {
		t.Errorf("Poll = %q, errCount %d; want context canceled, 0", s, r.errCount)
	}
	<-left // the server saw the request end
}

func TestRunWritesATrace(t *testing.T) {
	// Outside synctest: trace.Start cannot run in a bubble. -for 0: the
	// smallest run.
	file := filepath.Join(t.TempDir(), "x.trace")
	if err := run(&bytes.Buffer{}, []string{"-for", "0", "-trace", file}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("go 1.")) {
		t.Fatalf("the trace starts %q, want a Go trace header", b[:min(len(b), 16)])
	}
	bad := filepath.Join(t.TempDir(), "no such dir", "x.trace")
	if err := run(&bytes.Buffer{}, []string{"-trace", bad}); err == nil || !strings.HasPrefix(err.Error(), "-trace: ") {
		t.Fatalf("run with -trace %s = %v, want an error naming -trace", bad, err)
	}
}
