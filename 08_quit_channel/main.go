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

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage printed to stdout, exit status 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "quit_channel: %v (see -h)\n", err) // exactly one line
		os.Exit(2)
	}
}

// config is what the flags ask for.
type config struct {
	seed  uint64
	trace string
}

// parse reads and validates args. On -h it prints the usage to w and returns
// flag.ErrHelp.
func parse(w io.Writer, args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("quit_channel", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself; main prints one line
	fs.Uint64Var(&c.seed, "seed", 0, "seed for the random pauses and counts (0: pick one and print it)")
	fs.StringVar(&c.trace, "trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, "quit_channel: main tells Joe to stop: a quit channel, a round trip on it, a context, Close() error")
			fmt.Fprintln(w, "usage: go run ./08_quit_channel [flags]")
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		return c, err
	}
	if fs.NArg() > 0 {
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
	// Stream 0 is main's, for the counts, like the talk's rand.Intn(10);
	// each speaker gets a stream of its own. (The output's text depends on
	// the counts alone: the pauses decide only when each line appears.)
	r := rand.New(rand.NewPCG(seed, 0))

	fmt.Fprintln(w, "Four ways to tell Joe to stop: a quit channel, a round trip on it, a context, Close() error.")
	fmt.Fprintln(w, "\nQuit channel: main listens 1 to 10 times, then sends quit <- true.")
	quitChannel(w, r, pauses(seed, 1))
	fmt.Fprintln(w, "main: quit <- true (Joe took it, so he returns).")

	fmt.Fprintln(w, "\nReceive on quit channel: main sends \"Bye!\" on quit; Joe cleans up, then answers.")
	receiveOnQuit(w, r, pauses(seed, 2), func() {
		// Runs in Joe's goroutine while main waits for his answer, so only
		// one goroutine writes to w at a time.
		fmt.Fprintln(w, "Joe: (cleaning up)")
	})

	fmt.Fprintln(w, "\nGoing further, a context: one cancel() stops every speaker sharing it.")
	cancelStopsEveryone(w, pauses(seed, 3), pauses(seed, 4))

	fmt.Fprintln(w, "\nGoing further, Close() error: the cleanup's error comes back to the caller.")
	closeReturnsTheError(w, pauses(seed, 5), func() error {
		return errors.New("could not flush the notes") // a cleanup that fails, to show where its error goes
	})

	if picked {
		fmt.Fprintf(w, "seed %d: run again with -seed %d to replay\n", seed, seed)
	}
	return nil
}

// pauses returns a source of random pauses in [0, 50ms), in whole
// milliseconds like the talk's rand.Intn(1e3) but a twentieth as long (see
// the package comment). Sources with the same seed and different streams
// differ. A source is not safe for concurrent use: give each goroutine its
// own.
func pauses(seed, stream uint64) func() time.Duration {
	r := rand.New(rand.NewPCG(seed, stream))
	return func() time.Duration { return time.Duration(r.IntN(50)) * time.Millisecond }
}
