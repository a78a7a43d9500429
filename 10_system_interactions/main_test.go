package main

import (
	"bytes"
	"context"
	"errors"
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
	if !strings.HasPrefix(stdout, "system_interactions: the talk's fake Google search, version 1.0 to 3.0, then measured over many searches\n") ||
		!strings.Contains(stdout, "-queries int") || !strings.Contains(stdout, "-replicas int") ||
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
		{[]string{"-replicas", "two"}, "-replicas"},
		{[]string{"-queries", "-1"}, "-queries must be between 0 and 10000, got -1"},
		{[]string{"-replicas", "6"}, "-replicas must be between 1 and 5, got 6"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel() // each runs a process of its own
			stdout, stderr, status := runMain(t, tc.args...)
			if status != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 ||
				!strings.HasPrefix(stderr, "system_interactions: ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("%q: exit status %d, stdout %q, stderr %q; want 2, nothing, one line with %q",
					tc.args, status, stdout, stderr, tc.want)
			}
		})
	}
}

// fastSeed draws latencies that make the whole run, which the two tests
// outside a bubble wait for in real time, take about 120ms (seed 3: 470ms).
const fastSeed = "91439"

func TestMainRunsAndExitsZero(t *testing.T) {
	stdout, stderr, status := runMain(t, "-queries", "0", "-seed", fastSeed)
	if status != 0 || stderr != "" || !strings.HasPrefix(stdout, "The talk's fake Google search") {
		t.Fatalf("exit status %d, stderr %q, stdout:\n%s", status, stderr, stdout)
	}
}

func TestParseEdges(t *testing.T) {
	for _, tc := range []struct {
		args              []string
		queries, replicas int
		valid             bool
	}{
		{nil, 100, 2, true}, // the defaults
		{[]string{"-queries", "0"}, 0, 2, true},
		{[]string{"-queries", "-1"}, 0, 0, false},
		{[]string{"-queries", "10000"}, 10000, 2, true},
		{[]string{"-queries", "10001"}, 0, 0, false},
		{[]string{"-replicas", "0"}, 0, 0, false},
		{[]string{"-replicas", "1"}, 100, 1, true},
		{[]string{"-replicas", "5"}, 100, 5, true},
		{[]string{"-replicas", "6"}, 0, 0, false},
	} {
		c, err := parse(&bytes.Buffer{}, tc.args)
		if (err == nil) != tc.valid {
			t.Errorf("parse(%q): error %v, want valid = %v", tc.args, err, tc.valid)
			continue
		}
		if tc.valid && (c.queries != tc.queries || c.replicas != tc.replicas) {
			t.Errorf("parse(%q) = %+v, want -queries %d -replicas %d", tc.args, c, tc.queries, tc.replicas)
		}
	}
}

// runOut runs run(args) and returns its output, failing the test on an
// error. Inside a bubble it then waits out the longest latency, so that the
// table's late searches end before the bubble does: with a buffer too small
// for them, one would block for ever and synctest.Test fail.
func runOut(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(&out, args); err != nil {
		t.Fatalf("run(%q): %v", args, err)
	}
	time.Sleep(maxLatency)
	return out.String()
}

// The run with -seed 3: web (86.3ms) is too slow for 2.1, but 3.0 has a
// second web replica (64.0ms); its first (82.6ms) ends after 3.0 has
// returned, into the buffer, while going further it stops at 64.0ms.
const seed3 = `The talk's fake Google search, version by version, each asking for "golang" (services answer within 100ms):

Google Search 1.0: Web, Image and Video, one after another
[web result for "golang"
 image result for "golang"
 video result for "golang"
]
137.392083ms
  3 searches started; all have ended, the last after 137.392ms

Google Search 2.0: all three at once
[video result for "golang"
 image result for "golang"
 web result for "golang"
]
86.268012ms
  3 searches started; all have ended, the last after 86.268ms

Google Search 2.1: all three at once, waiting at most 80ms
timed out
[video result for "golang"
 image result for "golang"
]
80ms
  3 searches started; all have ended, the last after 86.268ms

Using the First function: two replicas, the first answer wins
replica 1 result for "golang"

18.157564ms

Google Search 3.0: 2.1 with the first of 2 replicas of each service
[video1 result for "golang"
 image2 result for "golang"
 web2 result for "golang"
]
63.962363ms
  6 searches started; all have ended, the last after 82.609ms

Going further: 3.0 through FirstContext; the searches nobody waits for stop at once
[video1 result for "golang"
 image2 result for "golang"
 web2 result for "golang"
]
63.962363ms
  6 searches started; all have ended, the last after 63.962ms

20 searches of each version at once (services answer within 100ms; timeout 80ms; 2 replicas in 3.0):
`

func TestRunShowsEachVersionExactly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		got := runOut(t, "-seed", "3", "-queries", "20")
		head, table, ok := strings.Cut(got, "2 replicas in 3.0):\n")
		if !ok || head+"2 replicas in 3.0):\n" != seed3 {
			t.Errorf("run -seed 3 printed:\n%s\nwant:\n%s", head, seed3)
		}
		// The table's numbers are tested in stats_test.go; here its shape.
		rows := regexp.MustCompile(`(?m)^  (1\.0|2\.0|2\.1|3\.0) +\d+\.\d% +(\d+\.\dms +){3}\d+\.\dms$`).FindAllString(table, -1)
		if !strings.HasPrefix(table, "  version  complete      p50      p95      p99      max\n") || len(rows) != 4 ||
			strings.Count(table, "\n") != 5 {
			t.Errorf("the table is:\n%s", table)
		}
	})
}

func TestRunQueriesZeroPrintsNoTable(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		if got := runOut(t, "-seed", "3", "-queries", "0"); got != strings.TrimSuffix(seed3, "\n20 searches of each version at once (services answer within 100ms; timeout 80ms; 2 replicas in 3.0):\n") {
			t.Errorf("-queries 0 printed:\n%s", got)
		}
	})
}

func TestRunWithOneReplica(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		got := runOut(t, "-seed", "3", "-queries", "0", "-replicas", "1")
		// One replica of each: web1 (82.6ms) is late, and 3.0 times out
		// like 2.1.
		want := "Google Search 3.0: 2.1 with the first of 1 replicas of each service\ntimed out\n"
		if !strings.Contains(got, want) || !strings.Contains(got, "  3 searches started; all have ended, the last after 82.609ms\n") ||
			!strings.Contains(got, "  3 searches started; all have ended, the last after 80ms\n") {
			t.Errorf("-replicas 1 printed:\n%s", got)
		}
	})
}

var seedLine = regexp.MustCompile(`\nseed (\d+): run again with -seed (\d+) to replay\n$`)

func TestRunWithoutSeedPrintsOneThatReplaysTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		first := runOut(t, "-queries", "5")
		m := seedLine.FindStringSubmatch(first)
		if m == nil || m[1] != m[2] || m[1] == "0" {
			t.Fatalf("the output does not end with the seed it used:\n%s", first)
		}
		again := runOut(t, "-queries", "5", "-seed", m[1])
		if want := strings.TrimSuffix(first, m[0]) + "\n"; again != want {
			t.Errorf("with -seed %s:\n%s\nwant the first run without its seed line:\n%s", m[1], again, want)
		}
	})
}

func TestRunsWithoutSeedPickDifferentSeeds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := seedLine.FindStringSubmatch(runOut(t, "-queries", "0"))
		b := seedLine.FindStringSubmatch(runOut(t, "-queries", "0"))
		if a == nil || b == nil || a[1] == b[1] {
			t.Errorf("two runs picked seeds %q and %q", a, b)
		}
	})
}

func TestRunWritesATrace(t *testing.T) {
	// Outside synctest: trace.Start cannot run in a bubble.
	file := filepath.Join(t.TempDir(), "x.trace")
	if err := run(&bytes.Buffer{}, []string{"-queries", "0", "-seed", fastSeed, "-trace", file}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil || !bytes.HasPrefix(data, []byte("go 1.")) {
		t.Fatalf("-trace wrote %.20q, %v; want a Go trace, which starts with \"go 1.\"", data, err)
	}
	if err := run(&bytes.Buffer{}, []string{"-queries", "0", "-trace", filepath.Join(t.TempDir(), "no", "x.trace")}); err == nil {
		t.Error("-trace into a directory that does not exist: no error")
	}
}

func TestLatenciesAreUnder100msAndDependOnSeedKindAndQuery(t *testing.T) {
	a, b, other := latencies(7), latencies(7), latencies(8)
	lo, hi := time.Duration(1<<62), time.Duration(-1)
	for i := range 20_000 {
		q := "golang " + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune(i))
		la := a("web", q)
		if la != b("web", q) {
			t.Fatalf("same seed, query %q: latencies %v and %v", q, la, b("web", q))
		}
		lo, hi = min(lo, la), max(hi, la)
	}
	// Over 20,000 draws from [0, 100ms) the extremes come within 0.05ms of
	// the bounds (each misses with probability (1-0.0005)^20000 < 0.01%,
	// and the draws are fixed).
	if lo < 0 || lo > 50*time.Microsecond || hi >= maxLatency || hi < maxLatency-50*time.Microsecond {
		t.Errorf("latencies from %v to %v, want [0, %v) nearly filled", lo, hi, maxLatency)
	}
	differ := func(what string, x, y func() time.Duration) {
		if x() == y() {
			t.Errorf("%s: same latency %v", what, x())
		}
	}
	differ("seeds 7 and 8", func() time.Duration { return a("web", "golang") }, func() time.Duration { return other("web", "golang") })
	differ("web and image", func() time.Duration { return a("web", "golang") }, func() time.Duration { return a("image", "golang") })
	differ("web1 and web2", func() time.Duration { return a("web1", "golang") }, func() time.Duration { return a("web2", "golang") })
	differ("two queries", func() time.Duration { return a("web", "golang 0") }, func() time.Duration { return a("web", "golang 1") })
	// The kind and the query are kept apart: "web" + "1x" is not "web1" + "x".
	differ("web/1x and web1/x", func() time.Duration { return a("web", "1x") }, func() time.Duration { return a("web1", "x") })
}
