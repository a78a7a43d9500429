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

// runOK runs run in the caller's bubble and returns what it printed.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(&out, args); err != nil {
		t.Fatalf("run(%q): %v", args, err)
	}
	return out.String()
}

const aside = `
An aside about buffered channels: a sender sends 3 values as fast as it can;
a receiver takes one every 30ms.
  unbuffered: sends completed at 30ms 60ms 90ms
  buffer 1:   sends completed at 0ms 30ms 60ms
  buffer 3:   sends completed at 0ms 0ms 0ms
Unbuffered, each send waits for its receive; a buffer of k lets k sends go ahead.
`

// Seed 1 draws pauses of 99, 10, 86, 91ms...: main hears each message the
// moment boring sends it.
func TestRunWithFixedSeed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		got := runOK(t, "-seed", "1")
		want := `main receives 5 messages from boring on an unbuffered channel, then leaves:
   0ms You say: "boring! 0"
  99ms You say: "boring! 1"
 109ms You say: "boring! 2"
 195ms You say: "boring! 3"
 286ms You say: "boring! 4"
 286ms You're boring; I'm leaving.
` + aside
		if got != want {
			t.Errorf("output:\n%s\nwant:\n%s", got, want)
		}
		if other := runOK(t, "-seed", "2"); other == got {
			t.Errorf("-seed 2 printed the same as -seed 1:\n%s", other)
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
		want := "main receives 0 messages from boring on an unbuffered channel, then leaves:\n" +
			"   0ms You're boring; I'm leaving.\n" + aside
		if got != want {
			t.Errorf("-n 0:\n%s\nwant:\n%s", got, want)
		}
		got = runOK(t, "-n", "1000", "-seed", "1") // the largest -n
		if c := strings.Count(got, `You say: "boring! `); c != 1000 || !strings.Contains(got, `You say: "boring! 999"`) {
			t.Errorf("-n 1000: main heard %d messages, want 1000, the last \"boring! 999\"", c)
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

const usage = `channels: main receives what boring sends on a channel, then times sends with and without a buffer
usage: go run ./02_channels [flags]
  -n int
    	messages main receives from boring (0 to 1000) (default 5)
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
		{[]string{"-nope"}, "channels: flag provided but not defined: -nope (see -h)\n"},
		{[]string{"-n", "x"}, `channels: invalid value "x" for flag -n: parse error (see -h)` + "\n"},
		{[]string{"-n", "1001"}, "channels: -n must be between 0 and 1000, got 1001 (see -h)\n"},
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
	name := filepath.Join(t.TempDir(), "channels.trace")
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
