package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
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
// re-executed) and returns what it printed and its exit status.
func runMain(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second) // a hang fails in 10s, not an assertion about time
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
	if !strings.HasPrefix(stdout, "power_series: McIlroy's power series") {
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
		{[]string{"-nope"}, "-nope"},
		{[]string{"-n", "many"}, "-n"},
		{[]string{"-n", "-1"}, "-n must be between 0 and 200, got -1"},
		{[]string{"-n", "201"}, "-n must be between 0 and 200, got 201"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-trace", filepath.Join(t.TempDir(), "no", "such", "dir", "x.trace")}, "-trace"},
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
			if !strings.HasPrefix(stderr, "power_series: ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("%q: stderr %q does not name %q", tc.args, stderr, tc.want)
			}
		})
	}
}

const defaultOutput = `The first 10 coefficients (constant term first) of power series computed by networks of goroutines:
1/(1-x)      = Rep(1)                  1 1 1 1 1 1 1 1 1 1
3            = Mon(3, 0)               3 0 0 0 0 0 0 0 0 0
x^3          = Mon(1, 3)               0 0 0 1 0 0 0 0 0 0
1/(1-x) + 2x = Add(Rep(1), Mon(2, 1))  1 3 1 1 1 1 1 1 1 1
-2/(1-x)     = Cmul(-2, Rep(1))        -2 -2 -2 -2 -2 -2 -2 -2 -2 -2
1/(1-x)^2    = Mul(Rep(1), Rep(1))     1 2 3 4 5 6 7 8 9 10
1/(1-x)^2    = Diff(Rep(1))            1 2 3 4 5 6 7 8 9 10
-log(1-x)    = Integ(0, Rep(1))        0 1 1/2 1/3 1/4 1/5 1/6 1/7 1/8 1/9
exp(x)       = Exp(Mon(1, 1))          1 1 1/2 1/6 1/24 1/120 1/720 1/5040 1/40320 1/362880
sin(x)       = Integ(0, cos)           0 1 0 -1/6 0 1/120 0 -1/5040 0 1/362880
cos(x)       = Integ(1, -sin)          1 0 -1/2 0 1/24 0 -1/720 0 1/40320 0
sin^2+cos^2  = Mul(S, S) + Mul(C, C)   1 0 0 0 0 0 0 0 0 0
`

func TestMainDefaultRun(t *testing.T) {
	stdout, stderr, status := runMain(t)
	if status != 0 || stderr != "" {
		t.Fatalf("default run exited %d with stderr %q", status, stderr)
	}
	if stdout != defaultOutput {
		t.Fatalf("default run printed\n%s\nwant\n%s", stdout, defaultOutput)
	}
}

func TestRunDefaultLeavesNoGoroutine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if err := run(&out, nil); err != nil {
			t.Fatal(err)
		}
		if out.String() != defaultOutput {
			t.Fatalf("run printed\n%s\nwant\n%s", out.String(), defaultOutput)
		}
		// synctest.Test fails if a goroutine of any network is left blocked.
	})
}

func TestRunZeroAndOneCoefficients(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for n, want := range map[string][]string{
			"0": {"1/(1-x)      = Rep(1)", "exp(x)       = Exp(Mon(1, 1))", "cos(x)       = Integ(1, -sin)"},
			"1": {"1/(1-x)      = Rep(1)                  1", "exp(x)       = Exp(Mon(1, 1))          1", "sin(x)       = Integ(0, cos)           0"},
		} {
			var out bytes.Buffer
			if err := run(&out, []string{"-n", n}); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(out.String(), "\n")
			if len(lines) != len(demo())+2 || lines[len(lines)-1] != "" {
				t.Fatalf("-n %s printed %d lines:\n%s", n, len(lines)-1, out.String())
			}
			if wantHeader := "The first " + n + " coefficients"; !strings.HasPrefix(lines[0], wantHeader) {
				t.Errorf("-n %s: header %q", n, lines[0])
			}
			for _, w := range want {
				if !strings.Contains(out.String(), w+"\n") {
					t.Errorf("-n %s: no line %q in\n%s", n, w, out.String())
				}
			}
		}
	})
}

func TestValidateEdges(t *testing.T) {
	for n, ok := range map[int]bool{-1: false, 0: true, 1: true, maxTerms: true, maxTerms + 1: false} {
		if err := validate(n); (err == nil) != ok {
			t.Errorf("validate(%d) = %v, want ok=%v", n, err, ok)
		}
	}
	if maxTerms != 200 {
		t.Fatalf("maxTerms = %d, the usage text and README say 200", maxTerms)
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	for _, args := range [][]string{{"-n", "-1"}, {"-n", "201"}, {"-n", "x"}, {"-bogus"}, {"1"}} {
		var out bytes.Buffer
		err := run(&out, args)
		if err == nil || errors.Is(err, flag.ErrHelp) {
			t.Errorf("run(%q) = %v, want an error", args, err)
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
	if !strings.Contains(out.String(), "coefficients of each series to print (0 to 200)") {
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
	if err := run(&out, []string{"-n", "1", "-trace", filepath.Join(t.TempDir(), "missing", "x.trace")}); err == nil {
		t.Fatal("-trace into a missing directory: no error")
	}
}
