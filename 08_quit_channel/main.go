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
	name  = "quit_channel"
	about = `quit_channel: main tells Joe to stop: a quit channel and a round trip on it (each after 1 to 10 messages, a random draw), a context, Close() error
usage: go run ./08_quit_channel [flags]`
	maxPause = 100 * time.Millisecond // the talk's rand.Intn(1e3) milliseconds, divided by ten
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
	var seed uint64
	return command(fs, w, args, &seed, nil, func() error {
		// Stream 0 is main's, for the counts, like the talk's rand.Intn(10); each
		// speaker draws his pauses from a stream of his own. The output's text
		// depends on the counts alone: the pauses decide when each line appears.
		r := rand.New(rand.NewPCG(seed, 0))

		fmt.Fprintln(w, "Four ways to tell Joe to stop: a quit channel, a round trip on it, a context, Close() error.")
		fmt.Fprintln(w, "\nQuit channel: main listens 1 to 10 times, then sends quit <- true.")
		quitChannel(w, r, randomPauses(seed, 1, maxPause))
		fmt.Fprintln(w, "main: quit <- true (Joe took it, so he returns).")

		fmt.Fprintln(w, "\nReceive on quit channel: main sends \"Bye!\" on quit; Joe cleans up, then answers.")
		receiveOnQuit(w, r, randomPauses(seed, 2, maxPause), func() {
			// Runs in Joe's goroutine while main waits for his answer, so only
			// one goroutine writes to w at a time.
			fmt.Fprintln(w, "Joe: (cleaning up)")
		})

		fmt.Fprintln(w, "\nGoing further, a context: one cancel() stops every speaker sharing it.")
		cancelStopsEveryone(w, randomPauses(seed, 3, maxPause), randomPauses(seed, 4, maxPause))

		fmt.Fprintln(w, "\nGoing further, Close() error: the cleanup's error comes back to the caller.")
		closeReturnsTheError(w, randomPauses(seed, 5, maxPause), func() error {
			return errors.New("could not flush the notes") // a cleanup that fails, to show where its error goes
		})

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

// randomPauses returns a source of pauses in whole milliseconds in [0, max),
// drawn from its own stream of seed. Each goroutine that pauses needs its own
// source: a rand.Rand is not safe for concurrent use.
func randomPauses(seed, stream uint64, max time.Duration) func() time.Duration {
	r := rand.New(rand.NewPCG(seed, stream))
	return func() time.Duration { return time.Duration(r.Int64N(max.Milliseconds())) * time.Millisecond }
}
