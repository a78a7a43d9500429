package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/trace"
	"strings"
	"time"
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
	if err := run(os.Stdout, os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) { // -h: exit status 0
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

// run parses args and prints the first -n coefficients of each series in
// demoSeries, closing each series' network before the next.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	n := fs.Int("n", 10, fmt.Sprintf("coefficients of each series to print (0 to %d)", maxTerms))
	return command(fs, w, args, nil, func() error { return between("-n", *n, 0, maxTerms) }, func() error {
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
	})
}

// command parses args into fs after adding the flags every program shares:
// -trace, and -seed unless seed is nil. -h prints about and the flags to w.
// Once check (if any) accepts the values, command starts what they ask for,
// runs show, stops the trace and, when the seed was picked here, ends with
// the line that replays it. Errors come back for main to print as one line.
func command(fs *flag.FlagSet, w io.Writer, args []string, seed *uint64, check, show func() error) (err error) {
	file := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if seed != nil {
		fs.Uint64Var(seed, "seed", 0, "seed for the random draws (0: pick one and print it)")
	}
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself
	if err = fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(w, about)
		fs.SetOutput(w)
		fs.PrintDefaults()
	} else if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	} else if err == nil && check != nil {
		err = check()
	}
	if err != nil {
		return err
	}
	if *file != "" {
		f, err := os.Create(*file)
		if err == nil {
			err = trace.Start(f) // fails only while another trace runs; the collector then closes f
		}
		if err != nil {
			return fmt.Errorf("-trace: %w", err)
		}
		defer func() {
			trace.Stop()
			err = cmp.Or(err, f.Close())
		}()
	}
	picked := seed != nil && *seed == 0
	if picked {
		*seed = max(rand.Uint64(), 1) // 0 means "pick one"
	}
	if err = show(); err == nil && picked {
		fmt.Fprintf(w, "seed %d: run again with -seed %d for the same random draws\n", *seed, *seed)
	}
	return err
}

// between returns an error naming the flag f unless lo <= v <= hi.
func between[T int | time.Duration](f string, v, lo, hi T) error {
	if v < lo || v > hi {
		return fmt.Errorf("%s must be between %v and %v, got %v", f, lo, hi, v)
	}
	return nil
}
