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

const (
	name  = "goroutines"
	about = `goroutines: go boring(...) runs boring in a goroutine while main listens, then main leaves
usage: go run ./01_goroutines [flags]`

	maxN      = 1000             // upper bound of -n
	maxListen = 10 * time.Second // upper bound of -listen
)

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	listen := fs.Duration("listen", 200*time.Millisecond,
		fmt.Sprintf("how long main listens before it leaves (0s to %v; 0s: the talk's \"Ignoring it\")", maxListen))
	n := fs.Int("n", -1, fmt.Sprintf("messages boring says before it stops by itself (-1 to %d; -1: never, like the talk's loop)", maxN))
	seed := fs.Uint64("seed", 0, "seed for the random pauses (0: pick one and print it)")
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := parseFlags(fs, w, about, args); err != nil {
		return err
	}
	if *listen < 0 || *listen > maxListen {
		return fmt.Errorf("-listen must be between 0s and %v, got %v", maxListen, *listen)
	}
	if *n < -1 || *n > maxN {
		return fmt.Errorf("-n must be between -1 and %d, got %d", maxN, *n)
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

	out := newExitWriter(w)
	pause := randomPauses(*seed, 1, 100*time.Millisecond) // the talk's 1s over ten
	if *listen == 0 {
		fmt.Fprintln(w, `main runs go boring("boring!") and returns at once ("Ignoring it"):`)
		ignoringIt(out, *n, pause)
	} else {
		fmt.Fprintf(w, "main runs go boring(\"boring!\"), listens for %v, then leaves:\n", *listen)
		ignoringItALittleLess(out, *listen, *n, pause)
	}
	// The talk's main returns here and the program exits: whatever boring
	// says from now on is lost.
	out.exit()
	if picked {
		printSeed(w, *seed)
	}
	return nil
}

// An exitWriter stands for the terminal of a process that is about to exit:
// it puts the time since its creation, in milliseconds, before each line until
// exit is called, and drops every line after that. main and boring both write
// to it, so a mutex keeps their lines whole and their writes to w apart. Each
// Write must be one whole line, as fmt.Fprintln writes it.
type exitWriter struct {
	mu     sync.Mutex
	w      io.Writer
	start  time.Time
	exited bool
}

func newExitWriter(w io.Writer) *exitWriter { return &exitWriter{w: w, start: time.Now()} }

func (e *exitWriter) Write(p []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.exited {
		return len(p), nil // nobody is there to see it
	}
	if _, err := fmt.Fprintf(e.w, "%4dms %s", time.Since(e.start).Milliseconds(), p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// exit stops e passing lines on, as the end of the process would. Once it
// returns, nothing writes to the underlying writer through e.
func (e *exitWriter) exit() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.exited = true
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
