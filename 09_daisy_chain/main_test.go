package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
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
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GO_CONCURRENCY_RUN_MAIN=1", "GORACE=atexit_sleep_ms=0")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
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
	if !strings.HasPrefix(stdout, "daisy_chain: a whisper passes down a chain of goroutines") ||
		!strings.Contains(stdout, "-n int") || !strings.Contains(stdout, "-trace file") {
		t.Fatalf("-h printed:\n%s", stdout)
	}
}

func TestMainBadFlagsPrintOneLineAndExitTwo(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in the one line on stderr
	}{
		{[]string{"-nope"}, "-nope"},
		{[]string{"-n", "many"}, "-n"},
		{[]string{"-n", "-1"}, "-n must be between 0 and 1000000"},
		{[]string{"-n", "1000001"}, "-n must be between 0 and 1000000"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		stdout, stderr, status := runMain(t, tc.args...)
		if status != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 ||
			!strings.HasPrefix(stderr, "daisy_chain: ") || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit status %d, stdout %q, stderr %q; want 2, nothing, one line with %q",
				tc.args, status, stdout, stderr, tc.want)
		}
	}
}

func TestParseEdges(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		n     int
		valid bool
	}{
		{nil, 100_000, true}, // the default
		{[]string{"-n", "0"}, 0, true},
		{[]string{"-n", "-1"}, 0, false},
		{[]string{"-n", "1000000"}, 1_000_000, true},
		{[]string{"-n", "1000001"}, 0, false},
	} {
		c, err := parse(&bytes.Buffer{}, tc.args)
		if tc.valid && (err != nil || c.n != tc.n) {
			t.Errorf("parse(%q) = %d, %v; want %d, nil", tc.args, c.n, err, tc.n)
		}
		if !tc.valid && err == nil {
			t.Errorf("parse(%q) accepted -n %d", tc.args, c.n)
		}
	}
	if _, err := parse(&bytes.Buffer{}, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("parse(-h) = %v, want flag.ErrHelp", err)
	}
}

func TestRunPrintsTheResultAndTheCosts(t *testing.T) {
	var out bytes.Buffer
	// In the bubble, so that a gopher left behind by run fails the test, and
	// so that no time passes: the times are exactly 0.
	synctest.Test(t, func(t *testing.T) {
		if err := run(&out, []string{"-n", "3"}); err != nil {
			t.Fatal(err)
		}
	})
	want := "A chain of 3 gophers, each adding one: 0 goes in at the right, out at the left comes\n" +
		"3\n" +
		"  building the chain: 0s (0ns a gopher)\n" +
		"  the whisper's trip: 0s (0ns a hop)\n" +
		"  memory: " // then measured figures
	if !strings.HasPrefix(out.String(), want) || strings.Count(out.String(), "\n") != 5 {
		t.Errorf("run -n 3 printed:\n%s\nwant it to start:\n%s", out.String(), want)
	}

	out.Reset()
	synctest.Test(t, func(t *testing.T) {
		if err := run(&out, []string{"-n", "0"}); err != nil {
			t.Fatal(err)
		}
	})
	if want := "A chain of 0 gophers, each adding one: 0 goes in at the right, out at the left comes\n0\n"; out.String() != want {
		t.Errorf("-n 0 printed %q, want %q", out.String(), want)
	}
}

func TestMainMeasuresTheStackAndHeapOfEachGopher(t *testing.T) {
	// In a process of its own, where no chain has run before: after a test's
	// chain the runtime reuses the ended gophers' stacks, and the stack would
	// not seem to grow. Each new gopher takes a stack of 2 KB (4 KB under the
	// race detector) and some heap for its goroutine and channel. Only loose
	// bounds are asserted, and that the total is their sum.
	stdout, stderr, status := runMain(t, "-n", "1000")
	var total, stack, heap int
	_, after, _ := strings.Cut(stdout, "\n  memory: ")
	_, err := fmt.Sscanf(after, "%d bytes a gopher (%d of stack, %d of heap", &total, &stack, &heap)
	if status != 0 || stderr != "" || !strings.Contains(stdout, "\n1000\n") || err != nil ||
		stack < 1024 || heap < 64 || total < stack+heap-1 || total > stack+heap+1 {
		t.Fatalf("exit status %d, stderr %q, stdout:\n%s\nwant a gopher's memory: at least 1 KB of stack, 64 bytes of heap, and their sum",
			status, stderr, stdout)
	}
}

func TestRunWritesATrace(t *testing.T) {
	// Outside synctest: trace.Start cannot run in a bubble.
	file := filepath.Join(t.TempDir(), "x.trace")
	if err := run(&bytes.Buffer{}, []string{"-n", "1", "-trace", file}); err != nil {
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
	if err := run(&bytes.Buffer{}, []string{"-n", "1", "-trace", bad}); err == nil || !strings.HasPrefix(err.Error(), "-trace: ") {
		t.Fatalf("run with -trace %s = %v, want an error naming -trace", bad, err)
	}
}
