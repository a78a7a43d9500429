package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/trace"
	"strings"
)

// maxTerms bounds -n: Mul starts goroutines for every coefficient it gives
// and exact coefficients grow long: 200 terms of each series take about a second.
const maxTerms = 200

// series is one line of the demonstration: the series, the expression that
// builds it here, and the builder.
type series struct {
	math, code string
	build      func(net *network) PS
}

// demo lists what the default run prints: each operation on simple series,
// then the feedback loops, exp, sin and cos, and sin² + cos², which comes
// out as 1 + 0x + 0x² + ... from the networks alone.
func demo() []series {
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

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage printed to stdout, exit status 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "power_series: %v (see -h)\n", err) // exactly one line
		os.Exit(2)
	}
}

// run parses args and prints the first -n coefficients of each series in demo.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("power_series", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself; main prints one line
	n := fs.Int("n", 10, fmt.Sprintf("coefficients of each series to print (0 to %d)", maxTerms))
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, "power_series: McIlroy's power series, exact coefficients from networks of goroutines")
			fmt.Fprintln(w, "usage: go run ./summary/power_series [flags]")
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		return err
	}
	if err := validate(*n); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			return fmt.Errorf("-trace: %v", err)
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			return fmt.Errorf("-trace: %v", err)
		}
		defer trace.Stop()
	}
	fmt.Fprintf(w, "The first %d coefficients (constant term first) of power series computed by networks of goroutines:\n", *n)
	for _, s := range demo() {
		net := newNetwork()
		var coefficients strings.Builder
		Printn(&coefficients, s.build(net), *n)
		net.Close() // every goroutine of this series' network has returned
		line := fmt.Sprintf("%-12s = %-22s  %s", s.math, s.code, strings.TrimSuffix(coefficients.String(), "\n"))
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	return nil
}

// validate checks -n.
func validate(n int) error {
	if n < 0 || n > maxTerms {
		return fmt.Errorf("-n must be between 0 and %d, got %d", maxTerms, n)
	}
	return nil
}
