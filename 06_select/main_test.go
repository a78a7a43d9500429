package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/trace"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// TestMain lets a test run the program itself: the test binary, started again
// with GO_CONCURRENCY_RUN_MAIN=1, runs main with the arguments it was given.
func TestMain(m *testing.M) {
	if os.Getenv("GO_CONCURRENCY_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	// First of all, before any test in a bubble could hang on it: a fanIn
	// that spins on a closed input (see bothClosedEndsFanIn).
	if err := bothClosedEndsFanIn(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// runMain runs the program with args in a new process and returns what it
// wrote and its exit status. A program that has not ended after 10 seconds
// (it takes well under one) is killed: a hung program fails the test instead
// of hanging it. (Go's "all goroutines are asleep" check does not run in a
// binary built with -race, so a deadlock would otherwise hang.)
func runMain(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GO_CONCURRENCY_RUN_MAIN=1", "GORACE=atexit_sleep_ms=0")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("running %q: still running after 10s, killed; stdout:\n%s", args, out.String())
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running %q: %v", args, err)
	}
	return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
}

func TestMainHelpExitsZero(t *testing.T) {
	stdout, stderr, status := runMain(t, "-h")
	if status != 0 || stderr != "" {
		t.Fatalf("-h: exit status %d, stderr %q; want 0 and nothing", status, stderr)
	}
	if !strings.HasPrefix(stdout, description+"\n") {
		t.Fatalf("-h printed:\n%s\nwant it to start with %q", stdout, description)
	}
	for _, flag := range []string{"-n", "-seed", "-trace"} {
		if !strings.Contains(stdout, "  "+flag) {
			t.Errorf("-h does not describe %s:\n%s", flag, stdout)
		}
	}
}

func TestMainRejectsBadInputInOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // the error line names this
	}{
		{[]string{"-nope"}, "-nope"},
		{[]string{"-n", "x"}, "-n"},
		{[]string{"-n", "-1"}, "-n must be between 0 and 1000, got -1"},
		{[]string{"-n", "1001"}, "-n must be between 0 and 1000, got 1001"},
		{[]string{"-seed", "-1"}, "-seed"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-trace", filepath.Join(t.TempDir(), "no such dir", "x.trace")}, "-trace"},
	} {
		label := strings.Join(tc.args, " ")
		if tc.want == "-trace" {
			label = "-trace in a missing directory"
		}
		t.Run(label, func(t *testing.T) {
			t.Parallel() // each runs a process of its own
			stdout, stderr, status := runMain(t, tc.args...)
			if status != 2 || stdout != "" {
				t.Errorf("%q: exit status %d, stdout %q; want 2 and nothing", tc.args, status, stdout)
			}
			if !strings.HasPrefix(stderr, name+": ") || strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") ||
				!strings.Contains(stderr, tc.want) {
				t.Errorf("%q: stderr %q, want one line %q... naming %q", tc.args, stderr, name+": ", tc.want)
			}
		})
	}
}

func TestMainRunsTheProgram(t *testing.T) {
	stdout, stderr, status := runMain(t, "-n", "1", "-seed", "7")
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if status != 0 || stderr != "" || len(lines) != 10 || lines[0] != header || lines[6] != fanInHeader ||
		!strings.HasSuffix(lines[9], "ms You're both boring; I'm leaving.") {
		t.Fatalf("exit status %d, stderr %q, stdout:\n%s", status, stderr, stdout)
	}
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(&out, args); err != nil {
		t.Fatalf("run(%q): %v", args, err)
	}
	return out.String()
}

// rules is what the rules part prints, line 3's counts aside.
const rulesOut = `1. All channels are evaluated: 4 of 4 expressions ran on entry, then "received 1 from c1".
2. It blocks until one can proceed: it waited 20ms, then "received 2 from c2".
3. If several can proceed, it picks pseudo-randomly: c1 N, c2 N times.
4. A default runs at once if none can: "no one was ready to communicate".
5. Going further: a closed channel is ready 10000 of 10000 times; set to nil, 0.
`

var counts = regexp.MustCompile(`c1 \d+, c2 \d+ times`)

// masked replaces rule 3's counts with N: the runtime's own random choice
// makes them, and no seed reaches it.
func masked(out string) string {
	return counts.ReplaceAllString(out, "c1 N, c2 N times")
}

func TestRunWithASeedPrintsExactlyThis(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Seed 3 draws Joe's pauses 15, 77, 14ms and Ann's 50, 88, 88ms:
		// Joe speaks at 15, 92 and 106ms, Ann at 50, 138 and 226ms.
		want := header + "\n" + rulesOut + fanInHeader + `
  15ms Joe: 0
  50ms Ann: 0
  92ms Joe: 1
 106ms Joe: 2
 138ms Ann: 1
 226ms Ann: 2
 226ms You're both boring; I'm leaving.
`
		if got := masked(runOK(t, "-n", "3", "-seed", "3")); got != want {
			t.Fatalf("output (rule 3's counts masked):\n%s\nwant:\n%s", got, want)
		}
	})
}

func TestRunShowsRuleThreesCounts(t *testing.T) {
	out := runOK(t, "-n", "0", "-seed", "1")
	var c1s, c2s int
	m := counts.FindString(out)
	if _, err := fmt.Sscanf(m, "c1 %d, c2 %d times", &c1s, &c2s); err != nil || c1s+c2s != 10000 || c1s < 4000 || c2s < 4000 {
		t.Fatalf("rule 3 says %q, want two counts of 10000 tries, each 40%% to 60%%:\n%s", m, out)
	}
}

func TestRunPrintsLinesUnder100Characters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for l := range strings.Lines(runOK(t)) {
			if len(l) > 100 { // 99 characters and the newline
				t.Errorf("line of %d characters, want under 100: %q", len(l)-1, l)
			}
		}
	})
}

var seedLine = regexp.MustCompile(`^seed (\d+): run again with -seed (\d+) to replay$`)

// runPickingSeed runs without -seed and returns the output without its last
// line, and the seed that line names.
func runPickingSeed(t *testing.T, args ...string) (out, seed string) {
	t.Helper()
	got := runOK(t, args...)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	m := seedLine.FindStringSubmatch(lines[len(lines)-1])
	if m == nil || m[1] != m[2] || m[1] == "0" {
		t.Fatalf("last line %q, want \"seed N: run again with -seed N to replay\", N not 0", lines[len(lines)-1])
	}
	return strings.Join(lines[:len(lines)-1], "\n") + "\n", m[1]
}

// speech is a line that a speaker said, with its time.
var speech = regexp.MustCompile(`^ *(\d+)ms \w+: \d+$`)

// canonical sorts each run of speakers' lines that carry the same time: two
// speakers ready at the same instant may be heard in either order, whatever
// the seed. Everything else stays exactly as it is.
func canonical(out string) string {
	lines := strings.Split(out, "\n")
	for i := 0; i < len(lines); {
		m := speech.FindStringSubmatch(lines[i])
		j := i + 1
		for m != nil && j < len(lines) {
			mj := speech.FindStringSubmatch(lines[j])
			if mj == nil || mj[1] != m[1] {
				break
			}
			j++
		}
		slices.Sort(lines[i:j])
		i = j
	}
	return strings.Join(lines, "\n")
}

func TestRunWithoutSeedPrintsTheSeedAndReplaysWithIt(t *testing.T) {
	for range 5 {
		synctest.Test(t, func(t *testing.T) {
			first, seed := runPickingSeed(t)
			if again := runOK(t, "-seed", seed); masked(canonical(again)) != masked(canonical(first)) {
				t.Fatalf("-seed %s printed:\n%s\nthe run that picked it:\n%s", seed, again, first)
			}
		})
	}
}

func TestRunPicksADifferentSeedEachTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, seed1 := runPickingSeed(t, "-n", "0")
		_, seed2 := runPickingSeed(t, "-n", "0")
		if seed1 == seed2 {
			t.Fatalf("two runs picked the same seed %s", seed1)
		}
	})
}

func TestRunAcceptsZeroMessages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		want := header + "\n" + rulesOut + fanInHeader + "\n   0ms You're both boring; I'm leaving.\n"
		if got := masked(runOK(t, "-n", "0", "-seed", "1")); got != want {
			t.Fatalf("-n 0 printed:\n%s\nwant:\n%s", got, want)
		}
	})
}

func TestRunRejectsNOutOfRange(t *testing.T) {
	// In a bubble: should validation let 1001 through, the run takes no
	// real time and the test fails at once.
	synctest.Test(t, func(t *testing.T) {
		for _, n := range []string{"-1", "1001"} {
			var out bytes.Buffer
			err := run(&out, []string{"-n", n, "-seed", "1"})
			if want := "-n must be between 0 and 1000, got " + n; err == nil || err.Error() != want || out.Len() != 0 {
				t.Errorf("run(-n %s) printed %q and returned %v, want nothing printed and %q", n, out.String(), err, want)
			}
		}
	})
}

// said returns what the speakers said in out, without the times.
func said(out string) []string {
	var s []string
	for l := range strings.Lines(out) {
		if m := speech.FindString(strings.TrimSuffix(l, "\n")); m != "" {
			s = append(s, m[strings.Index(m, "ms ")+3:])
		}
	}
	return s
}

func TestRunByDefaultHearsTheTalksTenMessages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		checkEveryMessageOnceInOrder(t, said(runOK(t, "-seed", "3")), 5, 5)
	})
}

func TestRunAcceptsTheLargestN(t *testing.T) {
	synctest.Test(t, func(t *testing.T) { // cheap in virtual time
		checkEveryMessageOnceInOrder(t, said(runOK(t, "-n", fmt.Sprint(maxN), "-seed", "1")), maxN, maxN)
	})
}

func TestRunWritesATrace(t *testing.T) {
	// Outside synctest: trace.Start cannot run in a bubble.
	file := filepath.Join(t.TempDir(), "x.trace")
	runOK(t, "-n", "0", "-seed", "1", "-trace", file)
	if trace.IsEnabled() {
		t.Fatal("tracing still on after run returned, want it stopped")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("go 1.")) {
		t.Fatalf("-trace wrote %q..., want a Go execution trace (\"go 1.xx trace\")", data[:min(len(data), 16)])
	}
}

func TestPausesAreWholeMillisecondsFrom0To99(t *testing.T) {
	pause := randomPauses(1, 1)
	lo, hi := time.Hour, time.Duration(0)
	for range 100_000 {
		d := pause()
		if d%time.Millisecond != 0 {
			t.Fatalf("pause %v is not whole milliseconds", d)
		}
		lo, hi = min(lo, d), max(hi, d)
	}
	// 100,000 draws of 100 values: missing either end has odds of e^-1000.
	if lo != 0 || hi != 99*time.Millisecond {
		t.Fatalf("pauses from %v to %v, want from 0 to 99ms", lo, hi)
	}
}

func TestSpeakersPauseDifferently(t *testing.T) {
	joe, ann := speakerPauses(1)
	var j, a []time.Duration
	for range 20 {
		j, a = append(j, joe()), append(a, ann())
	}
	if slices.Equal(j, a) {
		t.Fatalf("Joe and Ann draw the same pauses %v from one seed, want different streams", j)
	}
	joe2, _ := speakerPauses(1)
	for i := range 20 {
		if d := joe2(); d != j[i] {
			t.Fatalf("the same seed gave Joe pause %d = %v, then %v: want the same", i, j[i], d)
		}
	}
}
