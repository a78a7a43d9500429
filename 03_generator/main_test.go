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
	"runtime/trace"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// TestMain lets a test run the program itself: the test binary, run again
// with GO_CONCURRENCY_RUN_MAIN=1, is the program.
func TestMain(m *testing.M) {
	if os.Getenv("GO_CONCURRENCY_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runMain runs the program with args and returns its stdout, stderr and exit
// status. A program that does not end within 10s is killed: a safety net that
// turns a hang into a failure, not an assertion about time.
func runMain(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GO_CONCURRENCY_RUN_MAIN=1", "GORACE=atexit_sleep_ms=0")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		status = exit.ExitCode()
	case err != nil:
		t.Fatalf("running the program: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("the program with %q did not end within 10s", args)
	}
	return o.String(), e.String(), status
}

// runOK runs run in the caller's bubble and returns what it printed. It does
// not wait: each generator closes its channel and ends as main takes its last
// message, so nothing may be left sleeping when run returns, or the bubble
// fails the test.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(&out, args); err != nil {
		t.Fatalf("run(%q): %v", args, err)
	}
	return out.String()
}

// Seed 1 draws boring!'s pauses 99, 10, 86, 91, 28ms, Joe's 76, 61, 78, 79,
// 23ms and Ann's 56, 69, 99, 93, 56ms. Ann is ready with "Ann: 0" at 56ms
// but speaks at 76ms, after Joe; Joe is ready with "Joe: 4" at 317ms but
// speaks at 337ms, after Ann.
func TestRunWithFixedSeed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		got := runOK(t, "-seed", "1")
		want := `boring returns a channel; main hears 5 messages on it, then leaves:
  99ms You say: "boring!: 0"
 109ms You say: "boring!: 1"
 195ms You say: "boring!: 2"
 286ms You say: "boring!: 3"
 314ms You say: "boring!: 4"
 314ms You're boring; I'm leaving.

Joe and Ann are two boring services; main hears Joe, then Ann, 5 times:
  76ms Joe: 0
  76ms Ann: 0
 137ms Joe: 1
 145ms Ann: 1
 215ms Joe: 2
 244ms Ann: 2
 294ms Joe: 3
 337ms Ann: 3
 337ms Joe: 4
 393ms Ann: 4
 393ms You're both boring; I'm leaving.
`
		if got != want {
			t.Errorf("output:\n%s\nwant:\n%s", got, want)
		}
		// The seed chooses the pauses of both parts.
		parts, others := strings.Split(got, "\n\n"), strings.Split(runOK(t, "-seed", "2"), "\n\n")
		for i := range parts {
			if others[i] == parts[i] {
				t.Errorf("-seed 2 printed the same as -seed 1:\n%s", others[i])
			}
		}
	})
}

var seedLine = regexp.MustCompile(`(?m)^seed ([1-9]\d*): run again with -seed ([1-9]\d*) to replay\n\z`)

// Without -seed the program picks one, prints it last, and that seed replays
// the run exactly.
func TestRunWithoutSeedPrintsOneThatReplaysTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		first := runOK(t)
		m := seedLine.FindStringSubmatch(first)
		if m == nil || m[1] != m[2] {
			t.Fatalf("the last line does not name the seed:\n%s", first)
		}
		again := runOK(t, "-seed", m[1])
		if want := strings.TrimSuffix(first, m[0]); again != want {
			t.Errorf("-seed %s gave:\n%s\nwant:\n%s", m[1], again, want)
		}
		if other := seedLine.FindStringSubmatch(runOK(t)); other == nil || other[1] == m[1] {
			t.Errorf("two runs without -seed both picked seed %s", m[1])
		}
	})
}

func TestRunFlagEdges(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		got := runOK(t, "-n", "0", "-seed", "1")
		want := "boring returns a channel; main hears 0 messages on it, then leaves:\n" +
			"   0ms You're boring; I'm leaving.\n" +
			"\n" +
			"Joe and Ann are two boring services; main hears Joe, then Ann, 0 times:\n" +
			"   0ms You're both boring; I'm leaving.\n"
		if got != want {
			t.Errorf("-n 0:\n%s\nwant:\n%s", got, want)
		}
		got = runOK(t, "-n", "1000", "-seed", "1") // the largest -n
		if c := strings.Count(got, "ms You say: "); c != 1000 || !strings.Contains(got, `ms You say: "boring!: 999"`+"\n") {
			t.Errorf("-n 1000: main heard boring! %d times, want 1000, and last \"boring!: 999\"", c)
		}
		if c := strings.Count(got, "ms Joe: "); c != 1000 || !strings.Contains(got, "ms Ann: 999\n") {
			t.Errorf("-n 1000: main heard Joe %d times, want 1000, and Ann last say \"Ann: 999\"", c)
		}
	})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "-1"}, "-n must be between 0 and 1000, got -1"},
		{[]string{"-n", "1001"}, "-n must be between 0 and 1000, got 1001"},
		{[]string{"-n", "five"}, `invalid value "five" for flag -n`},
		{[]string{"-seed", "-3"}, `invalid value "-3" for flag -seed`},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		// In a bubble, so that a value validation wrongly lets through runs
		// in virtual time and fails at once instead of running for a minute.
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			err := run(&out, tc.args)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || out.Len() != 0 {
				t.Errorf("run(%q) = %v and printed %q; want an error starting %q and nothing printed", tc.args, err, out.String(), tc.want)
			}
		})
	}
}

const usage = `generator: boring returns a channel; main hears one such service, then Joe's and Ann's in lockstep
usage: go run ./03_generator [flags]
  -n int
    	messages main hears from each service (0 to 1000) (default 5)
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

func TestMainHelp(t *testing.T) {
	t.Parallel()
	stdout, stderr, status := runMain(t, "-h")
	if status != 0 || stderr != "" || stdout != usage {
		t.Errorf("-h: exit status %d, stderr %q, stdout:\n%s\nwant 0, nothing and the usage", status, stderr, stdout)
	}
}

func TestMainRejectsBadInputInOneLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-nope"}, "generator: flag provided but not defined: -nope (see -h)\n"},
		{[]string{"-n", "x"}, `generator: invalid value "x" for flag -n: parse error (see -h)` + "\n"},
		{[]string{"-n", "1001"}, "generator: -n must be between 0 and 1000, got 1001 (see -h)\n"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			stdout, stderr, status := runMain(t, tc.args...)
			if status != 2 || stdout != "" || stderr != tc.want {
				t.Errorf("exit status %d, stdout %q, stderr %q; want 2, nothing, %q", status, stdout, stderr, tc.want)
			}
		})
	}
}

// -trace writes a Go execution trace (outside synctest: trace.Start cannot run
// in a bubble).
func TestRunWritesATrace(t *testing.T) {
	t.Parallel()
	name := filepath.Join(t.TempDir(), "generator.trace")
	if err := run(&bytes.Buffer{}, []string{"-n", "0", "-seed", "1", "-trace", name}); err != nil {
		t.Fatal(err)
	}
	if trace.IsEnabled() {
		t.Error("run returned with the trace still running")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("go 1.")) {
		t.Errorf("%s starts with %q, want a Go trace header \"go 1.\"", name, data[:min(len(data), 16)])
	}
	bad := filepath.Join(t.TempDir(), "no such dir", "x.trace")
	if err := run(&bytes.Buffer{}, []string{"-n", "0", "-trace", bad}); err == nil || !strings.HasPrefix(err.Error(), "-trace: ") {
		t.Errorf("-trace %s: error %v, want one starting \"-trace: \"", bad, err)
	}
}
