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

const (
	name        = "select"
	description = "select: the rules of select at work, then fan-in with one goroutine and a select"
	header      = "The rules of select, each shown by a select at work; then fan-in using select."
	fanInHeader = "Fan-in using select: one goroutine serves both Joe and Ann."
	maxN        = 1000
	maxPauseMs  = 100 // the talk's rand.Intn(1e3) milliseconds, divided by ten
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
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself; main prints one line
	n := fs.Int("n", 5, fmt.Sprintf("messages each speaker sends (0 to %d)", maxN))
	seed := fs.Uint64("seed", 0, "seed for the random pauses (0: pick one and print it)")
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, description)
			fmt.Fprintf(w, "usage: go run ./06_%s [flags]\n", name)
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		return err
	}
	if *n < 0 || *n > maxN {
		return fmt.Errorf("-n must be between 0 and %d, got %d", maxN, *n)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
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

	fmt.Fprintln(w, header)
	rules(w)
	fmt.Fprintln(w, fanInHeader)
	joe, ann := speakerPauses(*seed)
	conversation(newStampWriter(w), *n, joe, ann)
	if picked {
		fmt.Fprintf(w, "seed %d: run again with -seed %d to replay\n", *seed, *seed)
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

// speakerPauses returns Joe's and Ann's pause sources for a seed: the same
// seed, different streams, so they pause differently. Each goroutine needs
// its own source: a rand.Rand is not safe for concurrent use.
func speakerPauses(seed uint64) (joe, ann func() time.Duration) {
	return randomPauses(seed, 1), randomPauses(seed, 2)
}

// randomPauses returns a source of pauses drawn like the talk's, in whole
// milliseconds in [0, maxPauseMs).
func randomPauses(seed, stream uint64) func() time.Duration {
	r := rand.New(rand.NewPCG(seed, stream))
	return func() time.Duration { return time.Duration(r.IntN(maxPauseMs)) * time.Millisecond }
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
