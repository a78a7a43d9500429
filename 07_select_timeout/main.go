package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/trace"
	"sync"
	"time"
)

const (
	name  = "select_timeout"
	about = `select_timeout: main stops listening to Joe after 100ms for one message, then after 500ms in all
usage: go run ./07_select_timeout [flags]`
	// A run ends when the last Joe has made all his pauses. With 10 messages it
	// takes 2s or more about once in 40 million runs; the second Joe runs out
	// before the 500ms timeout about once in 28 (TestDefaultNKeepsARunUnder2s).
	defaultN = 10
	maxN     = 1000                   // far more than either timeout lets through
	maxPause = 150 * time.Millisecond // the talk's rand.Intn(1500) milliseconds, divided by ten
)

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

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	n := fs.Int("n", defaultN, fmt.Sprintf("most messages Joe says in each part (0 to %d)", maxN))
	seed := fs.Uint64("seed", 0, "seed for the random pauses (0: pick one and print it)")
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := parseFlags(fs, w, about, args); err != nil {
		return err
	}
	if *n < 0 || *n > maxN {
		return fmt.Errorf("-n must be between 0 and %d, got %d", maxN, *n)
	}
	picked := *seed == 0
	if picked {
		*seed = pickSeed()
	}
	if *traceFile != "" {
		stop, err := startTrace(*traceFile)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, stop()) }()
	}
	fmt.Fprintf(w, "Joe pauses up to 150ms after each of at most %d messages; main stops listening at a timeout.\n", *n)
	// Each drain runs while main goes on; main waits for them all at the end.
	var drains sync.WaitGroup
	fmt.Fprintln(w, "Timeout using select: 100ms for each message.")
	timeoutEachMessage(newStampWriter(w), *n, randomPauses(*seed, 1, maxPause), &drains)
	fmt.Fprintln(w, "Timeout for whole conversation using select: 500ms in all.")
	timeoutWholeConversation(newStampWriter(w), *n, randomPauses(*seed, 2, maxPause), &drains)
	drains.Wait()
	fmt.Fprintln(w, "Every Joe has said his last message; main returns.")
	if picked {
		printSeed(w, *seed)
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

// pickSeed returns a random seed other than 0, which means "pick one".
func pickSeed() uint64 {
	for {
		if s := rand.Uint64(); s != 0 {
			return s
		}
	}
}

// printSeed ends a run that picked its own seed with the line that replays it.
func printSeed(w io.Writer, seed uint64) {
	fmt.Fprintf(w, "seed %d: run again with -seed %d for the same random draws\n", seed, seed)
}

// randomPauses returns a source of pauses in whole milliseconds in [0, max),
// drawn from its own stream of seed. Each goroutine that pauses needs its own
// source: a rand.Rand is not safe for concurrent use.
func randomPauses(seed, stream uint64, max time.Duration) func() time.Duration {
	r := rand.New(rand.NewPCG(seed, stream))
	return func() time.Duration { return time.Duration(r.Int64N(max.Milliseconds())) * time.Millisecond }
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
