package main

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
)

// runOK runs the program with args and returns what it printed; an error fails the test.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(&out, args); err != nil {
		t.Fatalf("run(%q): %v", args, err)
	}
	return out.String()
}

// bubbled returns how many goroutines the caller's synctest bubble holds, the
// caller included, once every one of them has run as far as it can without
// time passing: a goroutine that sleeps or is blocked counts, one that has
// ended does not.
func bubbled() int {
	synctest.Wait()
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	// Each goroutine's header reads "goroutine N [state, synctest bubble B]:";
	// the caller's comes first.
	first, _, _ := bytes.Cut(buf, []byte("\n"))
	bubble := first[bytes.LastIndex(first, []byte(", synctest bubble ")):]
	n := 0
	for line := range bytes.Lines(buf) {
		if bytes.HasPrefix(line, []byte("goroutine ")) && bytes.HasSuffix(bytes.TrimSuffix(line, []byte("\n")), bubble) {
			n++
		}
	}
	return n
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

func TestRunPrintsEachSeriesExactly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		if got := runOK(t); got != defaultOutput {
			t.Fatalf("the default run printed\n%s\nwant\n%s", got, defaultOutput)
		}
		// -n 0 prints each line without coefficients, -n 1 with one.
		for n, want := range map[string][]string{
			"0": {"1/(1-x)      = Rep(1)\n", "cos(x)       = Integ(1, -sin)\n"},
			"1": {"1/(1-x)      = Rep(1)                  1\n", "sin(x)       = Integ(0, cos)           0\n"},
		} {
			got := runOK(t, "-n", n)
			if !strings.HasPrefix(got, "The first "+n+" coefficients") || strings.Count(got, "\n") != 1+len(demoSeries()) ||
				!strings.Contains(got, want[0]) || !strings.Contains(got, want[1]) {
				t.Errorf("-n %s printed:\n%s", n, got)
			}
		}
	})
}

func TestRunLeavesNoGoroutineBehind(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		runOK(t)
		if n := bubbled() - before; n != 0 {
			t.Fatalf("%d goroutines still alive when run returned, want 0", n)
		}
	})
}
