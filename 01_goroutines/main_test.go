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

// runFor runs run inside the caller's bubble, then waits until boring, which
// says n messages with pauses under 100ms, must have ended: if it has not, the
// bubble fails the test ("blocked goroutines remain").
func runFor(t *testing.T, n int, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(&out, args); err != nil {
		t.Fatalf("run(%q): %v", args, err)
	}
	time.Sleep(time.Duration(n) * 100 * time.Millisecond)
	return out.String()
}

// The talk's loop never ends; the program ends anyway, because main's exit
// takes boring down with it.
func TestMainExitTakesBoringDown(t *testing.T) {
	t.Parallel()
	stdout, stderr, status := runMain(t, "-listen", "30ms") // -n -1: boring never stops by itself
	if status != 0 || stderr != "" {
		t.Fatalf("exit status %d, stderr %q; want 0 and nothing", status, stderr)
	}
	if !strings.Contains(stdout, "ms You're boring; I'm leaving.\n") || !strings.Contains(stdout, "ms boring! 0\n") {
		t.Errorf("output lacks main leaving or boring talking:\n%s", stdout)
	}
	if !regexp.MustCompile(`\nseed [1-9]\d*: run again with -seed [1-9]\d* to replay\n$`).MatchString(stdout) {
		t.Errorf("the last line does not name the seed:\n%s", stdout)
	}
}

const usage = `goroutines: go boring(...) runs boring in a goroutine while main listens, then main leaves
usage: go run ./01_goroutines [flags]
  -listen duration
    	how long main listens before it leaves (0: the talk's "Ignoring it"; at most 10s) (default 200ms)
  -n int
    	messages boring says before it stops by itself (-1: never, like the talk's loop; at most 1000) (default -1)
  -seed uint
    	seed for the random pauses (0: pick one and print it)
  -trace file
    	write a runtime/trace execution trace to file (view: go tool trace file)
`

// -h prints the description and every flag with its bounds and its default:
// -n -1 by default, so that boring talks on like the talk's loop.
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
		{[]string{"-nope"}, "goroutines: flag provided but not defined: -nope (see -h)\n"},
		{[]string{"-listen", "soon"}, `goroutines: invalid value "soon" for flag -listen: parse error (see -h)` + "\n"},
		{[]string{"-listen", "11s"}, "goroutines: -listen must be between 0 and 10s, got 11s (see -h)\n"},
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

// Seed 1 draws pauses of 99, 10, 86, 91, 28ms...: boring says four messages
// while main listens; its fifth, at 286ms, comes after main has left and is lost.
func TestRunWithFixedSeed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		got := runFor(t, 6, "-seed", "1", "-n", "6")
		want := `main runs go boring("boring!"), listens for 200ms, then leaves:
   0ms I'm listening.
   0ms boring! 0
  99ms boring! 1
 109ms boring! 2
 195ms boring! 3
 200ms You're boring; I'm leaving.
`
		if canon(got) != canon(want) {
			t.Errorf("output:\n%s\nwant (the 0ms lines in either order):\n%s", got, want)
		}
		if other := runFor(t, 6, "-seed", "2", "-n", "6"); other == got {
			t.Errorf("-seed 2 printed the same as -seed 1:\n%s", other)
		}
	})
}

var seedLine = regexp.MustCompile(`(?m)^seed ([1-9]\d*): run again with -seed ([1-9]\d*) to replay\n\z`)

// Without -seed the program picks one, prints it last, and that seed replays
// the run exactly. With -n 3 boring's messages all come before 200ms (at most
// two pauses of 99ms), so no message coincides with main leaving.
func TestRunWithoutSeedPrintsOneThatReplaysTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		first := runFor(t, 3, "-n", "3")
		m := seedLine.FindStringSubmatch(first)
		if m == nil || m[1] != m[2] {
			t.Fatalf("the last line does not name the seed:\n%s", first)
		}
		again := runFor(t, 3, "-n", "3", "-seed", m[1])
		if want := strings.TrimSuffix(first, m[0]); canon(again) != canon(want) {
			t.Errorf("-seed %s gave:\n%s\nwant:\n%s", m[1], again, want)
		}
		if strings.Contains(again, "seed") {
			t.Errorf("printed a seed line although -seed was given:\n%s", again)
		}
		other := seedLine.FindStringSubmatch(runFor(t, 3, "-n", "3"))
		if other == nil || other[1] == m[1] {
			t.Errorf("two runs without -seed both picked seed %s", m[1])
		}
	})
}

// -listen 0 is the talk's "Ignoring it": main says nothing and leaves at
// once; boring gets at most its first word in before the program exits.
func TestRunListenZeroIsIgnoringIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		got := runFor(t, 3, "-listen", "0", "-n", "3", "-seed", "1")
		header := "main runs go boring(\"boring!\") and returns at once (\"Ignoring it\"):\n"
		if got != header && got != header+"   0ms boring! 0\n" {
			t.Errorf("output:\n%s\nwant the header and at most \"   0ms boring! 0\"", got)
		}
	})
}

func TestRunFlagEdges(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// -n 0: boring says nothing; main still listens and leaves.
		got := runFor(t, 0, "-n", "0", "-seed", "1", "-listen", "10s") // the largest -listen
		want := "main runs go boring(\"boring!\"), listens for 10s, then leaves:\n" +
			"   0ms I'm listening.\n10000ms You're boring; I'm leaving.\n"
		if got != want {
			t.Errorf("-n 0 -listen 10s:\n%s\nwant:\n%s", got, want)
		}
		// The shortest -listen above "Ignoring it": main says both its lines.
		got = runFor(t, 0, "-n", "0", "-seed", "1", "-listen", "1ns")
		want = "main runs go boring(\"boring!\"), listens for 1ns, then leaves:\n" +
			"   0ms I'm listening.\n   0ms You're boring; I'm leaving.\n"
		if got != want {
			t.Errorf("-n 0 -listen 1ns:\n%s\nwant:\n%s", got, want)
		}
		// The largest -n: boring says 1000 messages, about 200 of them before main leaves.
		got = runFor(t, 1000, "-n", "1000", "-seed", "1")
		if c := strings.Count(got, "boring! "); c < 2 || c > 201 {
			t.Errorf("-n 1000: boring said %d messages in 200ms, want 2 to 201", c)
		}
	})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "-2"}, "-n must be between -1 and 1000, got -2"},
		{[]string{"-n", "1001"}, "-n must be between -1 and 1000, got 1001"},
		{[]string{"-listen", "-1ns"}, "-listen must be between 0 and 10s, got -1ns"},
		{[]string{"-listen", "10.000000001s"}, "-listen must be between 0 and 10s, got 10.000000001s"},
		{[]string{"-seed", "-3"}, `invalid value "-3" for flag -seed`},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-n", "five"}, `invalid value "five" for flag -n`},
	} {
		var out bytes.Buffer
		err := run(&out, tc.args)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || out.Len() != 0 {
			t.Errorf("run(%q) = %v and printed %q; want an error starting %q and nothing printed", tc.args, err, out.String(), tc.want)
		}
	}
}

// -trace writes a Go execution trace (outside synctest: trace.Start cannot run
// in a bubble).
func TestRunWritesATrace(t *testing.T) {
	t.Parallel()
	name := filepath.Join(t.TempDir(), "goroutines.trace")
	if err := run(&bytes.Buffer{}, []string{"-listen", "0", "-n", "0", "-seed", "1", "-trace", name}); err != nil {
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
	if err := run(&bytes.Buffer{}, []string{"-listen", "0", "-n", "0", "-trace", bad}); err == nil || !strings.HasPrefix(err.Error(), "-trace: ") {
		t.Errorf("-trace %s: error %v, want one starting \"-trace: \"", bad, err)
	}
}
