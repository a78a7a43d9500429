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
	if !strings.HasPrefix(stdout, "select_timeout: main stops listening to Joe after 100ms for one message") ||
		!strings.Contains(stdout, "-n int") || !strings.Contains(stdout, "-seed uint") || !strings.Contains(stdout, "-trace file") {
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
		{[]string{"-seed", "-1"}, "-seed"},
		{[]string{"-n", "-1"}, "-n must be between 0 and 1000, got -1"},
		{[]string{"-n", "1001"}, "-n must be between 0 and 1000, got 1001"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		stdout, stderr, status := runMain(t, tc.args...)
		if status != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 ||
			!strings.HasPrefix(stderr, "select_timeout: ") || !strings.Contains(stderr, tc.want) {
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
		{nil, 12, true}, // the default
		{[]string{"-n", "0"}, 0, true},
		{[]string{"-n", "-1"}, 0, false},
		{[]string{"-n", "1000"}, 1000, true},
		{[]string{"-n", "1001"}, 0, false},
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

// runInBubble runs run(args) in virtual time, lets Joe's drained goroutines
// finish, and returns the output.
func runInBubble(t *testing.T, args ...string) string {
	t.Helper()
	var out capped
	synctest.Test(t, func(t *testing.T) {
		out.t = t
		if err := run(&out, args); err != nil {
			t.Fatal(err)
		}
		joeFinishes()
	})
	return out.String()
}

func TestRunWithASeed(t *testing.T) {
	const want = `Joe pauses up to 150ms after each of at most 12 messages; main stops listening at a timeout.
Timeout using select: 100ms for each message.
   0ms Joe: 0
  49ms Joe: 1
  90ms Joe: 2
 174ms Joe: 3
 230ms Joe: 4
 330ms You're too slow.
Timeout for whole conversation using select: 500ms in all.
   0ms Joe: 0
  75ms Joe: 1
 104ms Joe: 2
 235ms Joe: 3
 335ms Joe: 4
 350ms Joe: 5
 490ms Joe: 6
 500ms You talk too much.
`
	if got := runInBubble(t, "-seed", "9"); got != want {
		t.Errorf("run -seed 9 printed:\n%s\nwant:\n%s", got, want)
	}
}

func TestRunWithNoMessages(t *testing.T) {
	const want = `Joe pauses up to 150ms after each of at most 0 messages; main stops listening at a timeout.
Timeout using select: 100ms for each message.
   0ms Joe has nothing more to say.
Timeout for whole conversation using select: 500ms in all.
   0ms Joe has nothing more to say.
`
	if got := runInBubble(t, "-n", "0", "-seed", "9"); got != want {
		t.Errorf("run -n 0 printed:\n%s\nwant:\n%s", got, want)
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
	// Outside synctest: trace.Start cannot run in a bubble. -n 0: nothing to wait for.
	file := filepath.Join(t.TempDir(), "x.trace")
	if err := run(&capped{t: t}, []string{"-n", "0", "-trace", file}); err != nil {
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
	if err := run(&bytes.Buffer{}, []string{"-n", "0", "-trace", bad}); err == nil || !strings.HasPrefix(err.Error(), "-trace: ") {
		t.Fatalf("run with -trace %s = %v, want an error naming -trace", bad, err)
	}
}

func TestDefaultRunEndsWithin1700msAndJoeRarelyRunsOut(t *testing.T) {
	c, err := parse(&bytes.Buffer{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The first part hears each message within 100ms or stops; each pause is
	// at most 149ms, so each message it hears comes within 99ms of the last,
	// and Joe closes after the pause that follows his last message.
	if worst := time.Duration(c.n)*99*ms + 500*ms; worst >= 1700*ms {
		t.Errorf("with -n %d a run can take %v, want under 1.7s", c.n, worst)
	}
	// The chance that Joe's n pauses add up to under 500ms, so that the second
	// part ends with "Joe has nothing more to say." before its timeout: the
	// distribution of the sum of n uniform pauses in [0, 149] ms.
	p := []float64{1}
	for range c.n {
		q := make([]float64, len(p)+149)
		for s, x := range p {
			for d := range 150 {
				q[s+d] += x / 150
			}
		}
		p = q
	}
	var under float64
	for s := range min(500, len(p)) {
		under += p[s]
	}
	if under >= 1.0/200 {
		t.Errorf("with -n %d Joe runs out before 500ms with probability %.4f, want under 1/200", c.n, under)
	}

	// And in virtual time, over many seeds.
	for seed := range uint64(100) {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			if err := run(io.Discard, []string{"-seed", fmt.Sprint(seed + 1)}); err != nil {
				t.Fatal(err)
			}
			if took := time.Since(start); took >= 1700*ms {
				t.Errorf("-seed %d: the run took %v, want under 1.7s", seed+1, took)
			}
			joeFinishes()
		})
	}
}
