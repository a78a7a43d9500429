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
	"time"
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) { // -h: exit status 0
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

const (
	name  = "goroutines"
	about = `goroutines: go boring(...) runs boring in a goroutine while main listens, then main leaves
usage: go run ./01_goroutines [flags]`

	maxN      = 1000             // upper bound of -n
	maxListen = 10 * time.Second // upper bound of -listen
)

// run parses args and shows the pattern, writing what a reader sees to w.
// main and boring both write to w, a line at a time, and boring goes on after
// run returns, as the talk's does after main returns: w must take writes from
// two goroutines at once, as os.Stdout does. In a real run the process exit
// then ends boring, and whatever it would still say is lost.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	listen := fs.Duration("listen", 200*time.Millisecond,
		fmt.Sprintf("how long main listens before it leaves (0s to %v; 0s: the talk's \"Ignoring it\")", maxListen))
	n := fs.Int("n", -1, fmt.Sprintf("messages boring says before it stops by itself (-1 to %d; -1: never, like the talk's loop)", maxN))
	var seed uint64
	return command(fs, w, args, &seed, func() error {
		return cmp.Or(between("-listen", *listen, 0, maxListen), between("-n", *n, -1, maxN))
	}, func() error {
		pause := randomPauses(seed, 1, 100*time.Millisecond) // the talk's 1s over ten
		if *listen == 0 {
			fmt.Fprintln(w, `main runs go boring("boring!") and returns at once ("Ignoring it"):`)
			ignoringIt(w, *n, pause)
		} else {
			fmt.Fprintf(w, "main runs go boring(\"boring!\"), listens for %v, then leaves:\n", *listen)
			ignoringItALittleLess(w, *listen, *n, pause)
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

// randomPauses returns a source of pauses in whole milliseconds in [0, max),
// drawn from its own stream of seed. Each goroutine that pauses needs its own
// source: a rand.Rand is not safe for concurrent use.
func randomPauses(seed, stream uint64, max time.Duration) func() time.Duration {
	r := rand.New(rand.NewPCG(seed, stream))
	return func() time.Duration { return time.Duration(r.Int64N(max.Milliseconds())) * time.Millisecond }
}
