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

const (
	name  = "power_series"
	about = `power_series: McIlroy's power series, exact coefficients from networks of goroutines
usage: go run ./summary/power_series [flags]`

	// maxTerms bounds -n: Mul starts goroutines for every coefficient it gives
	// and exact coefficients grow long: 200 terms of each series take about a second.
	maxTerms = 200
)

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

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage printed to stdout, exit status 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

// run parses args and prints the first -n coefficients of each series in
// demoSeries, closing each series' network before the next.
func run(w io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	n := fs.Int("n", 10, fmt.Sprintf("coefficients of each series to print (0 to %d)", maxTerms))
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := parseFlags(fs, w, about, args); err != nil {
		return err
	}
	if *n < 0 || *n > maxTerms {
		return fmt.Errorf("-n must be between 0 and %d, got %d", maxTerms, *n)
	}
	if *traceFile != "" {
		stop, err := startTrace(*traceFile)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, stop()) }()
	}
	fmt.Fprintf(w, "The first %d coefficients (constant term first) of power series computed by networks of goroutines:\n", *n)
	for _, s := range demoSeries() {
		net := newNetwork()
		var coefficients strings.Builder
		printn(&coefficients, s.build(net), *n)
		net.Close() // every goroutine of this series' network has returned
		line := fmt.Sprintf("%-12s = %-22s  %s", s.math, s.code, strings.TrimSuffix(coefficients.String(), "\n"))
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	return nil
}

// parseFlags parses args into fs. On -h it prints about and every flag to w;
// any other problem comes back as an error for main to print in one line.
func parseFlags(fs *flag.FlagSet, w io.Writer, about string, args []string) error {
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, about)
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// startTrace writes a runtime/trace execution trace to file until stop is called.
func startTrace(file string) (stop func() error, err error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, fmt.Errorf("-trace: %w", err)
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-trace: %w", err)
	}
	return func() error {
		trace.Stop()
		if err := f.Close(); err != nil {
			return fmt.Errorf("-trace: %w", err)
		}
		return nil
	}, nil
}
