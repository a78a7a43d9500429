package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/trace"
	"time"
)

// maxN bounds -n: a thousand messages are already far more than either
// timeout lets through.
const maxN = 1000

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage printed to stdout, exit status 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "select_timeout: %v (see -h)\n", err) // exactly one line
		os.Exit(2)
	}
}

// config is what the flags ask for.
type config struct {
	n     int
	seed  uint64
	trace string
}

// parse reads and validates args. On -h it prints the usage to w and returns
// flag.ErrHelp.
func parse(w io.Writer, args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("select_timeout", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself; main prints one line
	// 12 keeps a run under 1.7s: the first part hears each message within
	// 100ms or stops, the second stops at 500ms. And Joe rarely runs out
	// first: 12 pauses add up to under 500ms less than once in 200 runs.
	fs.IntVar(&c.n, "n", 12, fmt.Sprintf("most messages Joe says in each part (0 to %d)", maxN))
	fs.Uint64Var(&c.seed, "seed", 0, "seed for the random pauses (0: pick one and print it)")
	fs.StringVar(&c.trace, "trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, "select_timeout: main stops listening to Joe after 100ms for one message, then after 500ms in all")
			fmt.Fprintln(w, "usage: go run ./07_select_timeout [flags]")
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		return c, err
	}
	switch {
	case c.n < 0 || c.n > maxN:
		return c, fmt.Errorf("-n must be between 0 and %d, got %d", maxN, c.n)
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return c, nil
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) (err error) {
	c, err := parse(w, args)
	if err != nil {
		return err
	}
	if c.trace != "" {
		f, err := os.Create(c.trace)
		if err != nil {
			return fmt.Errorf("-trace: %w", err)
		}
		if err := trace.Start(f); err != nil {
			f.Close()
			return fmt.Errorf("-trace: %w", err)
		}
		defer func() {
			trace.Stop()
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("-trace: %w", cerr)
			}
		}()
	}
	seed, picked := c.seed, c.seed == 0
	for seed == 0 {
		seed = rand.Uint64()
	}

	fmt.Fprintf(w, "Joe pauses up to 150ms after each of at most %d messages; main stops listening at a timeout.\n", c.n)
	fmt.Fprintln(w, "Timeout using select: 100ms for each message.")
	timeoutEachMessage(stamped(w), c.n, pauses(seed, 1))
	fmt.Fprintln(w, "Timeout for whole conversation using select: 500ms in all.")
	timeoutWholeConversation(stamped(w), c.n, pauses(seed, 2))
	if picked {
		fmt.Fprintf(w, "seed %d: run again with -seed %d to replay\n", seed, seed)
	}
	return nil
}

// pauses returns a source of random pauses in [0, 150ms), in whole
// milliseconds like the talk's rand.Intn(1500) but a tenth as long. Sources
// with the same seed and different streams differ. A source is not safe for
// concurrent use: give each goroutine its own.
func pauses(seed, stream uint64) func() time.Duration {
	r := rand.New(rand.NewPCG(seed, stream))
	return func() time.Duration { return time.Duration(r.IntN(150)) * time.Millisecond }
}

// stampWriter puts the time since it was made, in milliseconds,
// right-aligned, before each line. Each Write must be one whole line, as
// fmt.Fprintln writes it; only one goroutine may write.
type stampWriter struct {
	w     io.Writer
	start time.Time
}

// stamped returns a stampWriter on w whose clock starts now.
func stamped(w io.Writer) *stampWriter { return &stampWriter{w, time.Now()} }

func (s *stampWriter) Write(p []byte) (int, error) {
	if _, err := fmt.Fprintf(s.w, "%4dms %s", time.Since(s.start).Milliseconds(), p); err != nil {
		return 0, err
	}
	return len(p), nil
}
