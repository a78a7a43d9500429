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
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestMain(m *testing.M) {
	if os.Getenv("GO_CONCURRENCY_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runMain runs the program's main in a fresh process (this test binary,
// re-executed) and returns what it printed and its exit status. A program
// that does not end within 10s is killed: a safety net that turns a hang
// into a failure, not an assertion about time.
func runMain(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GO_CONCURRENCY_RUN_MAIN=1", "GORACE=atexit_sleep_ms=0")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		status = exit.ExitCode()
	default:
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatalf("the program with %q did not end within 10s", args)
	}
	return out.String(), errOut.String(), status
}

func TestMainHelpExitsZero(t *testing.T) {
	stdout, stderr, status := runMain(t, "-h")
	if status != 0 {
		t.Fatalf("-h exited %d, want 0", status)
	}
	if !strings.HasPrefix(stdout, "prime_sieve: the concurrent prime sieve") {
		t.Fatalf("-h printed %q, want the description first", stdout)
	}
	for _, flag := range []string{"-n", "-trace"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("-h does not mention %s:\n%s", flag, stdout)
		}
	}
	if stderr != "" {
		t.Fatalf("-h wrote to stderr: %q", stderr)
	}
}

func TestMainBadFlagsExitTwoWithOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		// One child each for an unknown flag, a bad value and an out-of-range
		// value; TestRunRejectsBadInput and TestRunWritesATrace try the other
		// errors in this process (main prints every error of run the same way).
		{[]string{"-nope"}, "-nope"},
		{[]string{"-n", "many"}, "-n"},
		{[]string{"-n", "10001"}, "-n must be between 0 and 10000, got 10001"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			stdout, stderr, status := runMain(t, tc.args...)
			if status != 2 {
				t.Errorf("%q exited %d, want 2", tc.args, status)
			}
			if stdout != "" {
				t.Errorf("%q wrote to stdout: %q", tc.args, stdout)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
				t.Errorf("%q: stderr is not exactly one line: %q", tc.args, stderr)
			}
			if !strings.HasPrefix(stderr, "prime_sieve: ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("%q: stderr %q does not name %q", tc.args, stderr, tc.want)
			}
		})
	}
}

func TestMainDefaultRunPrintsAHundredPrimesTenALine(t *testing.T) {
	stdout, stderr, status := runMain(t)
	if status != 0 || stderr != "" {
		t.Fatalf("default run exited %d with stderr %q", status, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 11 || lines[1] != "2\t3\t5\t7\t11\t13\t17\t19\t23\t29" || !strings.HasSuffix(lines[10], "\t541") {
		t.Fatalf("default run printed %d lines, from %q to %q; want a header and ten lines of ten primes, 2 to 541", len(lines), lines[1], lines[len(lines)-1])
	}
}

func TestRunPrintsHeaderThenPrimesTenALine(t *testing.T) {
	const header = "The first %d primes, each the first number through a chain of one filter per prime before it:\n"
	for n, primes := range map[int]string{
		1:  "2\n",
		5:  "2\t3\t5\t7\t11\n",
		10: "2\t3\t5\t7\t11\t13\t17\t19\t23\t29\n",
		11: "2\t3\t5\t7\t11\t13\t17\t19\t23\t29\n31\n",
		21: "2\t3\t5\t7\t11\t13\t17\t19\t23\t29\n31\t37\t41\t43\t47\t53\t59\t61\t67\t71\n73\n",
	} {
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(&out, []string{"-n", fmt.Sprint(n)}); err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf(header, n) + primes; out.String() != want {
				t.Fatalf("run -n %d printed %q, want %q", n, out.String(), want)
			}
		})
	}
}

func TestRunZeroPrimesPrintsOnlyTheHeader(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if err := run(&out, []string{"-n", "0"}); err != nil {
			t.Fatal(err)
		}
		want := "The first 0 primes, each the first number through a chain of one filter per prime before it:\n"
		if out.String() != want {
			t.Fatalf("run -n 0 printed %q, want %q", out.String(), want)
		}
	})
}

func TestValidateEdges(t *testing.T) {
	for n, ok := range map[int]bool{-1: false, 0: true, 1: true, maxPrimes: true, maxPrimes + 1: false} {
		if err := validate(n); (err == nil) != ok {
			t.Errorf("validate(%d) = %v, want ok=%v", n, err, ok)
		}
	}
	if maxPrimes != 10_000 {
		t.Fatalf("maxPrimes = %d, the usage text and README say 10000", maxPrimes)
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "-1"}, "-n must be between 0 and 10000, got -1"},
		{[]string{"-n", "10001"}, "-n must be between 0 and 10000, got 10001"},
		{[]string{"-n", "x"}, "-n"},
		{[]string{"-bogus"}, "-bogus"},
		{[]string{"1"}, `unexpected argument "1"`},
	} {
		args := tc.args
		var out bytes.Buffer
		err := run(&out, args)
		if err == nil || errors.Is(err, flag.ErrHelp) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run(%q) = %v, want an error naming %q", args, err, tc.want)
		}
		if out.Len() != 0 {
			t.Errorf("run(%q) printed %q", args, out.String())
		}
	}
}

func TestRunHelp(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run -h = %v, want flag.ErrHelp", err)
	}
	if !strings.Contains(out.String(), "primes to find (0 to 10000)") {
		t.Fatalf("usage does not state -n's bounds:\n%s", out.String())
	}
}

func TestRunWritesATrace(t *testing.T) {
	// Outside synctest: trace.Start cannot run in a bubble.
	file := filepath.Join(t.TempDir(), "x.trace")
	var out bytes.Buffer
	if err := run(&out, []string{"-n", "1", "-trace", file}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("go 1.")) {
		t.Fatalf("trace file starts %q, want a Go trace header", data[:min(len(data), 16)])
	}
	// run stopped the trace when it returned: a second traced run can start one.
	if err := run(&out, []string{"-n", "1", "-trace", file + "2"}); err != nil {
		t.Fatalf("a second traced run: %v", err)
	}
	out.Reset()
	if err := run(&out, []string{"-n", "1", "-trace", filepath.Join(t.TempDir(), "missing", "x.trace")}); err == nil || !strings.HasPrefix(err.Error(), "-trace: ") {
		t.Fatalf("-trace into a missing directory: error %v, want one naming -trace", err)
	}
	if out.Len() != 0 {
		t.Fatalf("-trace into a missing directory printed %q", out.String())
	}
}
