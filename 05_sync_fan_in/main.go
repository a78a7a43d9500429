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

const (
	name  = "sync_fan_in"
	about = `sync_fan_in: Joe and Ann through one channel, taking turns again
usage: go run ./05_sync_fan_in [flags]`
	header   = "Joe and Ann speak through one channel; each waits for main's go-ahead after every message."
	maxN     = 1000
	maxPause = 200 * time.Millisecond // the talk's rand.Intn(2e3) milliseconds, divided by ten
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) { // -h: exit status 0
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	n := fs.Int("n", 5, fmt.Sprintf("rounds: messages each speaker sends (0 to %d)", maxN))
	var seed uint64
	return command(fs, w, args, &seed, func() error { return between("-n", *n, 0, maxN) }, func() error {
		fmt.Fprintln(w, header)
		// Joe and Ann draw from two streams of one seed: each goroutine needs its own source.
		conversation(newStampWriter(w), *n, randomPauses(seed, 1, maxPause), randomPauses(seed, 2, maxPause))
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

// stampWriter puts the time since its creation, in milliseconds, before each
// line. Each Write must be one whole line, as fmt.Fprintln writes it; only one
// goroutine may write.
type stampWriter struct {
	w     io.Writer
	start time.Time
}

func newStampWriter(w io.Writer) *stampWriter { return &stampWriter{w, time.Now()} }

func (s *stampWriter) Write(p []byte) (int, error) {
	if _, err := fmt.Fprintf(s.w, "%4dms %s", time.Since(s.start).Milliseconds(), p); err != nil {
		return 0, err
	}
	return len(p), nil
}
