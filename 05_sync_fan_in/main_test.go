package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
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

const usage = description + `
usage: go run ./05_sync_fan_in [flags]
  -n int
    	rounds: messages each speaker sends (0 to 1000) (default 5)
  -seed uint
    	seed for the random pauses (0: pick one and print it)
  -trace file
    	write a runtime/trace execution trace to file (view: go tool trace file)
`

// -h prints the description and every flag with its bounds and its default.
func TestRunHelp(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run(-h) = %v, want flag.ErrHelp", err)
	}
	if out.String() != usage {
		t.Errorf("-h printed:\n%s\nwant:\n%s", out.String(), usage)
	}
}

func TestMainHelpExitsZero(t *testing.T) {
	t.Parallel()
	stdout, stderr, status := runMain(t, "-h")
	if status != 0 || stderr != "" || stdout != usage {
		t.Fatalf("-h: exit status %d, stderr %q, stdout:\n%s\nwant 0, nothing and the usage", status, stderr, stdout)
	}
}

func TestMainRejectsBadInputInOneLine(t *testing.T) {
	// One process for each kind of error main prints: an unknown flag, a
	// value that does not parse, a value out of range. The other bad inputs
	// are errors of run like these (TestRunRejectsBadInput).
	for _, tc := range []struct {
		args []string
		want string // all of stderr
	}{
		{[]string{"-nope"}, "sync_fan_in: flag provided but not defined: -nope (see -h)\n"},
		{[]string{"-n", "x"}, `sync_fan_in: invalid value "x" for flag -n: parse error (see -h)` + "\n"},
		{[]string{"-n", "1001"}, "sync_fan_in: -n must be between 0 and 1000, got 1001 (see -h)\n"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel() // each runs a process of its own
			stdout, stderr, status := runMain(t, tc.args...)
			if status != 2 || stdout != "" || stderr != tc.want {
				t.Errorf("exit status %d, stdout %q, stderr %q; want 2, nothing, %q", status, stdout, stderr, tc.want)
			}
		})
	}
}

func TestMainRunsTheProgram(t *testing.T) {
	t.Parallel()
	stdout, stderr, status := runMain(t, "-n", "1", "-seed", "7")
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if status != 0 || stderr != "" || len(lines) != 5 || lines[0] != header ||
		!strings.HasSuffix(lines[4], "ms You're all boring; I'm leaving.") {
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

func TestRunWithASeedPrintsExactlyThis(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Seed 3 draws Joe's pauses 31, 155, 29ms and Ann's 100, 176, 176ms
		// (as in 04_fan_in, where Joe 1 came at 186ms): each round starts
		// when the last one ended, so Joe 1 comes at 100+155 = 255ms.
		want := header + `
  31ms Joe: 0
 100ms Ann: 0
 100ms round 1 over: both went on
 255ms Joe: 1
 276ms Ann: 1
 276ms round 2 over: both went on
 305ms Joe: 2
 452ms Ann: 2
 452ms round 3 over: both went on
 452ms You're all boring; I'm leaving.
`
		if got := runOK(t, "-n", "3", "-seed", "3"); got != want {
			t.Fatalf("output:\n%s\nwant:\n%s", got, want)
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
			if again := runOK(t, "-seed", seed); canonical(again) != canonical(first) {
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
		want := header + "\n   0ms You're all boring; I'm leaving.\n"
		if got := runOK(t, "-n", "0", "-seed", "1"); got != want {
			t.Fatalf("-n 0 printed:\n%s\nwant:\n%s", got, want)
		}
	})
}

func TestRunRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "-1"}, "-n must be between 0 and 1000, got -1"},
		{[]string{"-n", "1001"}, "-n must be between 0 and 1000, got 1001"},
		{[]string{"-n", "x"}, `invalid value "x" for flag -n: parse error`},
		{[]string{"-seed", "-1"}, `invalid value "-1" for flag -seed: parse error`},
		{[]string{"-nope"}, "flag provided but not defined: -nope"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		// In a bubble: should validation let 1001 through, the run takes no
		// real time and the test fails at once.
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			err := run(&out, tc.args)
			if err == nil || err.Error() != tc.want || out.Len() != 0 {
				t.Errorf("run(%q) printed %q and returned %v, want nothing printed and %q", tc.args, out.String(), err, tc.want)
			}
		})
	}
}

func TestRunAcceptsTheLargestN(t *testing.T) {
	synctest.Test(t, func(t *testing.T) { // cheap in virtual time
		checkRounds(t, runOK(t, "-n", fmt.Sprint(maxN), "-seed", "1"), maxN)
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
	bad := filepath.Join(t.TempDir(), "no such dir", "x.trace")
	var out bytes.Buffer
	if err := run(&out, []string{"-n", "0", "-seed", "1", "-trace", bad}); err == nil || !strings.HasPrefix(err.Error(), "-trace: ") || out.Len() != 0 {
		t.Errorf("-trace %s: printed %q and returned %v, want nothing printed and an error starting \"-trace: \"", bad, out.String(), err)
	}
}

func TestPausesAreWholeMillisecondsFrom0To199(t *testing.T) {
	pause := randomPauses(1, 1)
	lo, hi := time.Hour, time.Duration(0)
	for range 100_000 {
		d := pause()
		if d%time.Millisecond != 0 {
			t.Fatalf("pause %v is not whole milliseconds", d)
		}
		lo, hi = min(lo, d), max(hi, d)
	}
	// 100,000 draws of 200 values: missing either end has odds of e^-500.
	if lo != 0 || hi != 199*time.Millisecond {
		t.Fatalf("pauses from %v to %v, want from 0 to 199ms", lo, hi)
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
