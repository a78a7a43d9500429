package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 10, "coefficients of each series to print (0 to 200)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "McIlroy's power series: exact coefficients from networks of goroutines.")
		fmt.Fprintln(os.Stderr, "usage: go run ./summary/power_series [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := check(*n, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	show(os.Stdout, *n)
	ledger(os.Stdout, 100*time.Millisecond)
}

// check returns an error unless n is in range and no argument follows the
// flags. Mul starts goroutines for every coefficient it gives and exact
// coefficients grow long: 200 terms of each series take most of a second
// (the page has the measurements).
func check(n int, args []string) error {
	if n < 0 || n > 200 {
		return fmt.Errorf("-n must be between 0 and 200, got %d", n)
	}
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show is the whole program but its flags: the first n coefficients of each
// series in demoSeries, closing each series' network before the next.
func show(w io.Writer, n int) {
	fmt.Fprintf(w, "The first %d coefficients (constant term first) of power series computed by networks of goroutines:\n", n)
	for _, s := range demoSeries() {
		net := newNetwork()
		var coefficients strings.Builder
		printn(&coefficients, s.build(net), n)
		net.Close() // every goroutine of this series' network has returned
		fmt.Fprintln(w, strings.TrimSpace(fmt.Sprintf("%-12s = %-22s  %s", s.math, s.code, coefficients.String())))
	}
}

// series is one line of the demonstration: the series, the expression that
// builds it here, and the builder.
type series struct {
	math, code string
	build      func(net *network) PS
}

// demoSeries lists what the default run prints: each operation on simple series,
// then the feedback loops, exp, sin and cos, and sin² + cos², which comes
// out as 1 + 0x + 0x² + ... from the networks alone.
func demoSeries() []series {
	return []series{
		{"1/(1-x)", "Rep(1)", func(net *network) PS { return Rep(net, itor(1)) }},
		{"3", "Mon(3, 0)", func(net *network) PS { return Mon(net, itor(3), 0) }},
		{"x^3", "Mon(1, 3)", func(net *network) PS { return Mon(net, itor(1), 3) }},
		{"1/(1-x) + 2x", "Add(Rep(1), Mon(2, 1))", func(net *network) PS { return Add(Rep(net, itor(1)), Mon(net, itor(2), 1)) }},
		{"-2/(1-x)", "Cmul(-2, Rep(1))", func(net *network) PS { return Cmul(itor(-2), Rep(net, itor(1))) }},
		{"1/(1-x)^2", "Mul(Rep(1), Rep(1))", func(net *network) PS { return Mul(Rep(net, itor(1)), Rep(net, itor(1))) }},
		{"1/(1-x)^2", "Diff(Rep(1))", func(net *network) PS { return Diff(Rep(net, itor(1))) }},
		{"-log(1-x)", "Integ(0, Rep(1))", func(net *network) PS { return Integ(itor(0), Rep(net, itor(1))) }},
		{"exp(x)", "Exp(Mon(1, 1))", func(net *network) PS { return Exp(Mon(net, itor(1), 1)) }},
		{"sin(x)", "Integ(0, cos)", func(net *network) PS { sin, _ := SinCos(net); return sin }},
		{"cos(x)", "Integ(1, -sin)", func(net *network) PS { _, cos := SinCos(net); return cos }},
		{"sin^2+cos^2", "Mul(S, S) + Mul(C, C)", func(net *network) PS {
			sin, cos := SinCos(net)
			SS, CC := Split(sin), Split(cos)
			return Add(Mul(SS[0], SS[1]), Mul(CC[0], CC[1]))
		}},
	}
}
