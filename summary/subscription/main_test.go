package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// TestMain lets a test run the program's own main: the test binary, started
// again with GO_CONCURRENCY_RUN_MAIN=1, runs main instead of the tests; so it
// does when the demo starts it as the deadlock child.
func TestMain(m *testing.M) {
	if os.Getenv("GO_CONCURRENCY_RUN_MAIN") == "1" || os.Getenv(deadlockEnv) == "1" {
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
	if !strings.HasPrefix(stdout, "subscription: ping-pong on a channel") ||
		!strings.Contains(stdout, "-close d") || !strings.Contains(stdout, "(0 to 10s)") ||
		!strings.Contains(stdout, "-seed uint") || !strings.Contains(stdout, "-trace file") {
		t.Fatalf("-h printed:\n%s", stdout)
	}
}

func TestMainBadFlagsPrintOneLineAndExitTwo(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in the one line on stderr
	}{
		{[]string{"-nope"}, "-nope"},
		{[]string{"-close", "x"}, "-close"},
		{[]string{"-close", "-1ns"}, "-close must be between 0 and 10s, got -1ns"},
		{[]string{"-close", "10.000000001s"}, "-close must be between 0 and 10s, got 10.000000001s"},
		{[]string{"-seed", "-1"}, "-seed"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		stdout, stderr, status := runMain(t, tc.args...)
		if status != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 ||
			!strings.HasPrefix(stderr, "subscription: ") || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit status %d, stdout %q, stderr %q; want 2, nothing, one line with %q",
				tc.args, status, stdout, stderr, tc.want)
		}
	}
}

func TestParseEdges(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		close time.Duration
		seed  uint64
	}{
		{nil, 300 * time.Millisecond, 0},
		{[]string{"-close", "0"}, 0, 0},
		{[]string{"-close", "10s"}, 10 * time.Second, 0},
		{[]string{"-seed", "18446744073709551615"}, 300 * time.Millisecond, 1<<64 - 1},
	} {
		if c, err := parse(&bytes.Buffer{}, tc.args); err != nil || c.close != tc.close || c.seed != tc.seed {
			t.Errorf("parse(%q) = %+v, %v; want close %v, seed %d", tc.args, c, err, tc.close, tc.seed)
		}
	}
	if _, err := parse(&bytes.Buffer{}, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("parse(-h) = %v, want flag.ErrHelp", err)
	}
}

// runInBubble runs run(args) in virtual time and returns the output. The
// deadlock child is a real process: the bubble's clock stands still while
// run waits for it.
func runInBubble(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	synctest.Test(t, func(t *testing.T) {
		if err := run(&out, args); err != nil {
			t.Fatal(err)
		}
	})
	return out.String()
}

// pingFirst swaps ping and pong in out if pong hit first (the scheduler's
// choice), so that the output can be compared with one text.
func pingFirst(out string) string {
	if !strings.Contains(out, "    0ms pong 1\n") {
		return out
	}
	return hitLine.ReplaceAllStringFunc(out, func(line string) string {
		return strings.NewReplacer("ping", "pong", "pong", "ping").Replace(line)
	})
}

var hitLine = regexp.MustCompile(`(?m)^ +[0-9]+ms (ping|pong) [0-9]+$`)

func TestRunWithASeed(t *testing.T) {
	const wantTemplate = `Advanced Go Concurrency Patterns: ping-pong, a deadlock, then three fake feeds merged until Close.

Example: ping-pong. Each player holds the ball 10ms; main wakes at 95ms and queues for the ball.
    0ms ping 1
   10ms pong 2
   20ms ping 3
   30ms pong 4
   40ms ping 5
   50ms pong 6
   60ms ping 7
   70ms pong 8
   80ms ping 9
   90ms pong 10
  100ms ping 11

Deadlock detection: the same game, but nobody tosses the ball (a child process runs it).
DEADLOCK
Example: three fake feeds merged into one stream; Close after 300ms.
   10ms blog.golang.org Item 0
   20ms googleblog.blogspot.com Item 0
   30ms googledevelopers.blogspot.com Item 0
  130ms googledevelopers.blogspot.com Item 1
  170ms googleblog.blogspot.com Item 1
  210ms blog.golang.org Item 1
  210ms blog.golang.org Item 2
  280ms googledevelopers.blogspot.com Item 2
  300ms closed: <nil>
`
	want := strings.Replace(wantTemplate, "DEADLOCK", wantDeadlock(), 1)
	if got := pingFirst(runInBubble(t, "-seed", "1")); got != want {
		t.Errorf("run -seed 1 printed:\n%s\nwant:\n%s", got, want)
	}
}

func TestRunCloseZeroPrintsNoItems(t *testing.T) {
	got := runInBubble(t, "-seed", "1", "-close", "0")
	_, feed, _ := strings.Cut(got, "Close after 0s.\n")
	if feed != "    0ms closed: <nil>\n" {
		t.Errorf("-close 0: the feed part printed %q, want only the close", feed)
	}
}

var seedLine = regexp.MustCompile(`seed ([0-9]+): run again with -seed ([0-9]+) to replay\n$`)

func TestRunWithoutASeedPrintsOneThatReplays(t *testing.T) {
	first := pingFirst(runInBubble(t))
	m := seedLine.FindStringSubmatch(first)
	if m == nil || m[1] != m[2] || m[1] == "0" {
		t.Fatalf("the last line does not name the seed used:\n%s", first)
	}
	replay := pingFirst(runInBubble(t, "-seed", m[1]))
	if want := strings.TrimSuffix(first, m[0]); replay != want {
		t.Errorf("-seed %s printed:\n%s\nwant the first run's output without its seed line:\n%s", m[1], replay, want)
	}
	second := seedLine.FindStringSubmatch(runInBubble(t))
	if second == nil || second[1] == m[1] {
		t.Errorf("two runs without -seed both used seed %s", m[1])
	}
}

func TestRunWritesATrace(t *testing.T) {
	// Outside synctest: trace.Start cannot run in a bubble. A real run with
	// -close 0: about the game's 110ms and the child's 100ms.
	file := filepath.Join(t.TempDir(), "x.trace")
	if err := run(&bytes.Buffer{}, []string{"-seed", "1", "-close", "0", "-trace", file}); err != nil {
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

func TestStampedPrefixesEachWriteWithMilliseconds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		w := stamped(&out)
		w.Write([]byte("a\n"))
		time.Sleep(1234567 * time.Microsecond)
		w.Write([]byte("b\n"))
		if want := "    0ms a\n 1234ms b\n"; out.String() != want {
			t.Errorf("got %q, want %q", out.String(), want)
		}
	})
}
