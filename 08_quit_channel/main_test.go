package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
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
	if !strings.HasPrefix(stdout, "quit_channel: main tells Joe to stop") ||
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
		{[]string{"-seed", "x"}, "-seed"},
		{[]string{"-seed", "-1"}, "-seed"},
		{[]string{"-seed", "18446744073709551616"}, "-seed"}, // 2^64: out of range
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		stdout, stderr, status := runMain(t, tc.args...)
		if status != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 ||
			!strings.HasPrefix(stderr, "quit_channel: ") || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit status %d, stdout %q, stderr %q; want 2, nothing, one line with %q",
				tc.args, status, stdout, stderr, tc.want)
		}
	}
}

func TestParseEdges(t *testing.T) {
	for _, tc := range []struct {
		args []string
		seed uint64
	}{
		{nil, 0}, // 0: run picks one
		{[]string{"-seed", "0"}, 0},
		{[]string{"-seed", "18446744073709551615"}, 1<<64 - 1},
	} {
		if c, err := parse(&bytes.Buffer{}, tc.args); err != nil || c.seed != tc.seed {
			t.Errorf("parse(%q) = %d, %v; want %d, nil", tc.args, c.seed, err, tc.seed)
		}
	}
	if _, err := parse(&bytes.Buffer{}, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("parse(-h) = %v, want flag.ErrHelp", err)
	}
}

// runInBubble runs run(args) in virtual time and returns the output.
func runInBubble(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	synctest.Test(t, func(t *testing.T) {
		if err := runOrPanic(&out, args); err != nil {
			t.Fatal(err)
		}
	})
	return out.String()
}

// runOrPanic calls run inside a bubble and panics if it has not returned
// after an hour of virtual time (it needs under 1.5s). A speaker that is
// never stopped keeps main receiving for ever while the fake clock runs on:
// nothing is blocked, so synctest sees no deadlock, and the test would hang
// until go test's -timeout. The panic fails it at once instead.
func runOrPanic(w io.Writer, args []string) error {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-time.After(time.Hour):
			panic(fmt.Sprintf("run(%q) still running after an hour of virtual time: a speaker was not stopped", args))
		}
	}()
	return run(w, args)
}

func TestRunWithASeed(t *testing.T) {
	// Seed 1: main listens 6 times in the first part, once in the second.
	const want = `Four ways to tell Joe to stop: a quit channel, a round trip on it, a context, Close() error.

Quit channel: main listens 1 to 10 times, then sends quit <- true.
Joe: 0
Joe: 1
Joe: 2
Joe: 3
Joe: 4
Joe: 5
main: quit <- true (Joe took it, so he returns).

Receive on quit channel: main sends "Bye!" on quit; Joe cleans up, then answers.
Joe: 0
Joe: (cleaning up)
Joe says: "See you!"

Going further, a context: one cancel() stops every speaker sharing it.
Joe: 0
Ann: 0
Joe: 1
Ann: 1
main: cancel(); Joe and Ann have both stopped and closed their channels.

Going further, Close() error: the cleanup's error comes back to the caller.
Joe: 0
Joe: 1
main: Close() returned could not flush the notes
`
	if got := runInBubble(t, "-seed", "1"); got != want {
		t.Errorf("run -seed 1 printed:\n%s\nwant:\n%s", got, want)
	}
}

var seedLine = regexp.MustCompile(`\nseed ([0-9]+): run again with -seed ([0-9]+) to replay\n$`)

func TestRunWithoutASeedPrintsOneThatReplays(t *testing.T) {
	first := runInBubble(t)
	m := seedLine.FindStringSubmatch(first)
	if m == nil || m[1] != m[2] || m[1] == "0" {
		t.Fatalf("the last line does not name the seed used:\n%s", first)
	}
	replay := runInBubble(t, "-seed", m[1])
	if want := strings.TrimSuffix(first, m[0][1:]); replay != want {
		t.Errorf("-seed %s printed:\n%s\nwant the first run's output without its seed line:\n%s", m[1], replay, want)
	}

	second := seedLine.FindStringSubmatch(runInBubble(t))
	if second == nil || second[1] == m[1] {
		t.Errorf("two runs without -seed both used seed %s", m[1])
	}
}

func TestRunWritesATrace(t *testing.T) {
	// Outside synctest: trace.Start cannot run in a bubble. This is a real
	// run, under half a second.
	file := filepath.Join(t.TempDir(), "x.trace")
	if err := run(&bytes.Buffer{}, []string{"-seed", "1", "-trace", file}); err != nil {
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

func TestPausesAreWholeMillisecondsUnder50(t *testing.T) {
	p := pauses(1, 1)
	lo, hi := time.Hour, time.Duration(0)
	for range 10_000 {
		d := p()
		if d%ms != 0 {
			t.Fatalf("pause %v is not a whole number of milliseconds", d)
		}
		lo, hi = min(lo, d), max(hi, d)
	}
	// 10,000 draws from 50 values: each bound is missed with odds below 1e-88.
	if lo != 0 || hi != 49*ms {
		t.Fatalf("pauses ranged over [%v, %v], want [0, 49ms]", lo, hi)
	}
}

func TestPauseStreamsDiffer(t *testing.T) {
	a, b := pauses(7, 1), pauses(7, 2)
	same := 0
	for range 100 {
		if a() == b() {
			same++
		}
	}
	if same > 12 { // about 1 in 50 would match by chance
		t.Fatalf("streams 1 and 2 of one seed agreed on %d of 100 pauses", same)
	}
}

func TestRunEndsWithin1500ms(t *testing.T) {
	// At worst each quit part hears 10 messages and then waits one more pause
	// for Joe to hear quit: 11 pauses of 49ms; the last two parts wait 2
	// pauses each. 2*11*49 + 2*2*49 = 1274ms.
	for seed := range uint64(100) {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			if err := runOrPanic(io.Discard, []string{"-seed", fmt.Sprint(seed + 1)}); err != nil {
				t.Fatal(err)
			}
			if took := time.Since(start); took >= 1500*ms {
				t.Errorf("-seed %d: the run took %v, want under 1.5s", seed+1, took)
			}
		})
	}
}
