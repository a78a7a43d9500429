package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
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
// stderr and exit status. A program still running after 10 seconds (it takes
// well under one) is killed and fails the test: a binary built with -race
// has no "all goroutines are asleep" check, so a hang would otherwise last
// until go test's -timeout.
func runMain(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GO_CONCURRENCY_RUN_MAIN=1", "GORACE=atexit_sleep_ms=0")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("running main %q: still running after 10s, killed; stdout:\n%s", args, o.String())
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running main: %v", err)
	}
	return o.String(), e.String(), cmd.ProcessState.ExitCode()
}

func TestMainHelpExitsZero(t *testing.T) {
	stdout, stderr, status := runMain(t, "-h")
	if status != 0 || stderr != "" {
		t.Fatalf("-h: exit status %d, stderr %q; want 0 and nothing", status, stderr)
	}
	if !strings.HasPrefix(stdout, "summary: don't overdo it: a counter three ways (channels, mutex, atomic) measured, then sync and channels together\n") ||
		!strings.Contains(stdout, "-goroutines int") || !strings.Contains(stdout, "-increments int") ||
		!strings.Contains(stdout, "-jobs int") || !strings.Contains(stdout, "-workers int") || !strings.Contains(stdout, "-trace file") {
		t.Fatalf("-h printed:\n%s", stdout)
	}
}

func TestMainBadFlagsPrintOneLineAndExitTwo(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in the one line on stderr
	}{
		{[]string{"-nope"}, "-nope"},
		{[]string{"-workers", "many"}, "-workers"},
		{[]string{"-jobs", "-1"}, "-jobs must be between 0 and 1000000, got -1"},
		{[]string{"-jobs", "1664511"}, "-jobs must be between 0 and 1000000, got 1664511"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel() // each runs a process of its own
			stdout, stderr, status := runMain(t, tc.args...)
			if status != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 ||
				!strings.HasPrefix(stderr, "summary: ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("%q: exit status %d, stdout %q, stderr %q; want 2, nothing, one line with %q",
					tc.args, status, stdout, stderr, tc.want)
			}
		})
	}
}

func TestMainRunsAndExitsZero(t *testing.T) {
	stdout, stderr, status := runMain(t, "-increments", "10", "-jobs", "3")
	if status != 0 || stderr != "" || !strings.HasPrefix(stdout, "Don't overdo it:") ||
		!strings.HasSuffix(stdout, "an atomic counted 3 squares handed over.\n") {
		t.Fatalf("exit status %d, stderr %q, stdout:\n%s", status, stderr, stdout)
	}
}

func TestParseEdges(t *testing.T) {
	def := config{goroutines: 4, increments: 100_000, jobs: 1000, workers: 4}
	with := func(f func(*config)) config { c := def; f(&c); return c }
	for _, tc := range []struct {
		args  []string
		want  config
		valid bool
	}{
		{nil, def, true},
		{[]string{"-goroutines", "0"}, config{}, false},
		{[]string{"-goroutines", "1"}, with(func(c *config) { c.goroutines = 1 }), true},
		{[]string{"-goroutines", "1000"}, with(func(c *config) { c.goroutines = 1000 }), true},
		{[]string{"-goroutines", "1001"}, config{}, false},
		{[]string{"-increments", "0"}, config{}, false},
		{[]string{"-increments", "1"}, with(func(c *config) { c.increments = 1 }), true},
		{[]string{"-increments", "1000000"}, with(func(c *config) { c.increments = 1_000_000 }), true},
		{[]string{"-increments", "1000001"}, config{}, false},
		{[]string{"-jobs", "-1"}, config{}, false},
		{[]string{"-jobs", "0"}, with(func(c *config) { c.jobs = 0 }), true},
		{[]string{"-jobs", "1000000"}, with(func(c *config) { c.jobs = 1_000_000 }), true},
		{[]string{"-jobs", "1000001"}, config{}, false},
		{[]string{"-workers", "0"}, config{}, false},
		{[]string{"-workers", "1"}, with(func(c *config) { c.workers = 1 }), true},
		{[]string{"-workers", "1000"}, with(func(c *config) { c.workers = 1000 }), true},
		{[]string{"-workers", "1001"}, config{}, false},
	} {
		c, err := parse(&bytes.Buffer{}, tc.args)
		if (err == nil) != tc.valid {
			t.Errorf("parse(%q): error %v, want valid = %v", tc.args, err, tc.valid)
			continue
		}
		if tc.valid && c != tc.want {
			t.Errorf("parse(%q) = %+v, want %+v", tc.args, c, tc.want)
		}
	}
}

func TestRunShowsTheCountsAndTheSquaresExactly(t *testing.T) {
	// Inside the bubble the clock stands still while the counters work, so
	// every cost reads 0ns and channels are "as cheap as anything" (advice
	// on real costs is TestAdvice's); the counts and sums are exact.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-goroutines", "3", "-increments", "100", "-jobs", "10", "-workers", "2"}, `Don't overdo it: a reference counter three ways, what an increment cost, then channels and sync together.

A reference counter, 3 goroutines × 100 increments = 300:
  channels (one goroutine owns it)   counted 300       0.0ns an increment
  sync.Mutex                         counted 300       0.0ns an increment
  sync/atomic (atomic.Int64)         counted 300       0.0ns an increment
Here channels were as cheap as anything: measure before you choose.

Working together: 2 workers squared the numbers 1 to 10; the squares sum to 385 (n(n+1)(2n+1)/6 = 385).
Channels carried the work, a WaitGroup closed the results, an atomic counted 10 squares handed over.
`},
		{[]string{"-goroutines", "1", "-increments", "1", "-jobs", "0", "-workers", "1"}, `Don't overdo it: a reference counter three ways, what an increment cost, then channels and sync together.

A reference counter, 1 goroutines × 1 increments = 1:
  channels (one goroutine owns it)   counted 1       0.0ns an increment
  sync.Mutex                         counted 1       0.0ns an increment
  sync/atomic (atomic.Int64)         counted 1       0.0ns an increment
Here channels were as cheap as anything: measure before you choose.

Working together: 1 workers squared the numbers 1 to 0; the squares sum to 0 (n(n+1)(2n+1)/6 = 0).
Channels carried the work, a WaitGroup closed the results, an atomic counted 0 squares handed over.
`},
	} {
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(&out, tc.args); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("run(%q) printed:\n%s\nwant:\n%s", tc.args, out.String(), tc.want)
			}
		})
	}
}

func TestRunWritesATrace(t *testing.T) {
	// Outside synctest: trace.Start cannot run in a bubble.
	file := filepath.Join(t.TempDir(), "x.trace")
	if err := run(&bytes.Buffer{}, []string{"-goroutines", "1", "-increments", "1", "-jobs", "0", "-trace", file}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil || !bytes.HasPrefix(data, []byte("go 1.")) {
		t.Fatalf("-trace wrote %.20q, %v; want a Go trace, which starts with \"go 1.\"", data, err)
	}
	if err := run(&bytes.Buffer{}, []string{"-jobs", "0", "-trace", filepath.Join(t.TempDir(), "no", "x.trace")}); err == nil {
		t.Error("-trace into a directory that does not exist: no error")
	}
}
