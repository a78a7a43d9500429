package main

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
)

// The page's sample: what go run ./summary/power_series prints with its
// default flags, before the ledger's line.
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

func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		show(&out, 10)
		if out.String() != defaultOutput {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), defaultOutput)
		}
	})
}

// -n 0 prints each line without coefficients, -n 1 with one.
func TestShowPrintsNCoefficientsOfEachSeries(t *testing.T) {
	t.Parallel()
	for n, want := range map[int][]string{
		0: {"1/(1-x)      = Rep(1)\n", "cos(x)       = Integ(1, -sin)\n"},
		1: {"1/(1-x)      = Rep(1)                  1\n", "sin(x)       = Integ(0, cos)           0\n"},
	} {
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			show(&out, n)
			got := out.String()
			if !strings.HasPrefix(got, "The first ") || strings.Count(got, "\n") != 1+len(demoSeries()) ||
				!strings.Contains(got, want[0]) || !strings.Contains(got, want[1]) {
				t.Errorf("-n %d printed:\n%s", n, got)
			}
		})
	}
}

// networkGoroutines is how many goroutines of any network run now, counted
// as the ledger counts: from the goroutine profile, by the functions on each
// stack (spawn's closure, whose name depends on where spawn was inlined). One
// told to stop that has not yet run still counts.
func networkGoroutines() int {
	n := 0
	for _, pcs := range others() {
		frames := runtime.CallersFrames(pcs)
		for more := true; more; {
			var f runtime.Frame
			f, more = frames.Next()
			if strings.Contains(f.Function, "(*network).spawn.func") {
				n++
				break
			}
		}
	}
	return n
}

// Not parallel: another test's networks would count too.
func TestShowClosesEveryNetworkItStarts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		show(new(bytes.Buffer), 10)
		if n := networkGoroutines(); n != 0 {
			t.Fatalf("show returned with %d goroutines of its networks still running: it must Close each network it starts", n)
		}
	})
}

func TestCheckAcceptsTheStatedBoundsOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n    int
		args []string
		ok   bool
	}{{0, nil, true}, {200, nil, true}, {-1, nil, false}, {201, nil, false}, {5, []string{"extra"}, false}} {
		if err := check(c.n, c.args); (err == nil) != c.ok {
			t.Errorf("check(%d, %q) = %v, want ok %t", c.n, c.args, err, c.ok)
		}
	}
}

// The ledger names a network nobody closed by where its goroutines wait:
// what the program's last line shows if show forgets a Close.
func TestLedgerNamesANetworkLeftRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork()
		printn(new(bytes.Buffer), Exp(Mon(net, itor(1), 1)), 3)
		synctest.Wait() // every goroutine of the network waits for a request
		var out bytes.Buffer
		ledger(&out, 0)
		for _, want := range []string{"goroutines still running: ", "waiting in a select in (*dch).demand at power_series.go:"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("ledger printed:\n%s\nwant a line with %q", out.String(), want)
			}
		}
		net.Close()
	})
}
