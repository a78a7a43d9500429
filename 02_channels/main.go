package main

import (
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

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage printed to stdout, exit status 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "channels: %v (see -h)\n", err) // exactly one line
		os.Exit(2)
	}
}

const (
	maxN     = 1000 // upper bound of -n
	maxPause = 100  // pauses are whole milliseconds in [0, maxPause)

	// The aside: a sender sends handOffValues values as fast as it can while a
	// receiver takes one every handOffGap.
	handOffValues = 3
	handOffGap    = 30 * time.Millisecond
)

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("channels", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // main prints one line per error; -h prints usage below
	n := fs.Int("n", 5, "messages main receives from boring (0 to 1000)")
	seed := fs.Uint64("seed", 0, "seed for the random pauses (0: pick one and print it)")
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, "channels: main receives what boring sends on a channel, then times sends with and without a buffer")
			fmt.Fprintln(w, "usage: go run ./02_channels [flags]")
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
	if *traceFile != "" {
		stop, err := startTrace(*traceFile)
		if err != nil {
			return err
		}
		defer stop()
	}
	pickedSeed := *seed == 0
	if pickedSeed {
		*seed = newSeed()
	}

	fmt.Fprintf(w, "main receives %d messages from boring on an unbuffered channel, then leaves:\n", *n)
	usingChannels(newStampWriter(w), *n, randomPauses(*seed, 1))

	fmt.Fprintf(w, "\nAn aside about buffered channels: a sender sends %d values as fast as it can;\n", handOffValues)
	fmt.Fprintf(w, "a receiver takes one every %v.\n", handOffGap)
	for _, capacity := range []int{0, 1, handOffValues} {
		label := fmt.Sprintf("buffer %d:", capacity)
		if capacity == 0 {
			label = "unbuffered:"
		}
		fmt.Fprintf(w, "  %-11s sends completed at %s\n", label, millis(handOff(capacity, handOffValues, handOffGap)))
	}
	fmt.Fprintln(w, "Unbuffered, each send waits for its receive; a buffer of k lets k sends go ahead.")
	if pickedSeed {
		fmt.Fprintf(w, "seed %d: run again with -seed %d to replay\n", *seed, *seed)
	}
	return nil
}

// A stampWriter prefixes each write with the time since it was made, in
// milliseconds. Each fmt.Fprintf is one write. Only main writes to it.
type stampWriter struct {
	w     io.Writer
	start time.Time
}

func newStampWriter(w io.Writer) *stampWriter {
	return &stampWriter{w: w, start: time.Now()}
}

func (s *stampWriter) Write(p []byte) (int, error) {
	if _, err := fmt.Fprintf(s.w, "%4dms %s", time.Since(s.start).Milliseconds(), p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// millis formats durations as whole milliseconds: "0ms 30ms 60ms".
func millis(ds []time.Duration) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = fmt.Sprintf("%dms", d.Milliseconds())
	}
	return strings.Join(s, " ")
}

// randomPauses returns a source of pauses drawn like the talk's
// rand.Intn(1e3) milliseconds, a tenth as long: whole milliseconds in
// [0, 100ms). A source is not safe for concurrent use: each goroutine gets its
// own, a distinct stream of the same seed.
func randomPauses(seed, stream uint64) func() time.Duration {
	r := rand.New(rand.NewPCG(seed, stream))
	return func() time.Duration { return time.Duration(r.IntN(maxPause)) * time.Millisecond }
}

// newSeed picks a random seed other than 0 (0 means "pick one").
func newSeed() uint64 {
	for {
		if s := rand.Uint64(); s != 0 {
			return s
		}
	}
}

// startTrace writes a runtime/trace execution trace to the named file until
// stop is called.
func startTrace(name string) (stop func(), err error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, fmt.Errorf("-trace: %w", err)
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-trace: %w", err)
	}
	return func() {
		trace.Stop()
		f.Close()
	}, nil
}
