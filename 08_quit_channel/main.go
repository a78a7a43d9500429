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
	name  = "quit_channel"
	about = `quit_channel: main tells Joe to stop: a quit channel, a round trip on it, a context, Close() error
usage: go run ./08_quit_channel [flags]`
	maxPause = 100 * time.Millisecond // the talk's rand.Intn(1e3) milliseconds, divided by ten
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
	seed := fs.Uint64("seed", 0, "seed for the random pauses and counts (0: pick one and print it)")
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := parseFlags(fs, w, about, args); err != nil {
		return err
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
	// Stream 0 is main's, for the counts, like the talk's rand.Intn(10); each
	// speaker draws his pauses from a stream of his own. The output's text
	// depends on the counts alone: the pauses decide when each line appears.
	r := rand.New(rand.NewPCG(*seed, 0))

	fmt.Fprintln(w, "Four ways to tell Joe to stop: a quit channel, a round trip on it, a context, Close() error.")
	fmt.Fprintln(w, "\nQuit channel: main listens 1 to 10 times, then sends quit <- true.")
	quitChannel(w, r, randomPauses(*seed, 1, maxPause))
	fmt.Fprintln(w, "main: quit <- true (Joe took it, so he returns).")

	fmt.Fprintln(w, "\nReceive on quit channel: main sends \"Bye!\" on quit; Joe cleans up, then answers.")
	receiveOnQuit(w, r, randomPauses(*seed, 2, maxPause), func() {
		// Runs in Joe's goroutine while main waits for his answer, so only
		// one goroutine writes to w at a time.
		fmt.Fprintln(w, "Joe: (cleaning up)")
	})

	fmt.Fprintln(w, "\nGoing further, a context: one cancel() stops every speaker sharing it.")
	cancelStopsEveryone(w, randomPauses(*seed, 3, maxPause), randomPauses(*seed, 4, maxPause))

	fmt.Fprintln(w, "\nGoing further, Close() error: the cleanup's error comes back to the caller.")
	closeReturnsTheError(w, randomPauses(*seed, 5, maxPause), func() error {
		return errors.New("could not flush the notes") // a cleanup that fails, to show where its error goes
	})

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
