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
		fmt.Fprintf(os.Stderr, "goroutines: %v (see -h)\n", err) // exactly one line
		os.Exit(2)
	}
	// main returns here and the program exits: boring, still talking, goes with it.
}

const (
	maxN      = 1000             // upper bound of -n
	maxListen = 10 * time.Second // upper bound of -listen
	maxPause  = 100              // pauses are whole milliseconds in [0, maxPause)
)

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("goroutines", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // main prints one line per error; -h prints usage below
	listen := fs.Duration("listen", 200*time.Millisecond,
		"how long main listens before it leaves (0: the talk's \"Ignoring it\"; at most 10s)")
	n := fs.Int("n", -1, "messages boring says before it stops by itself (-1: never, like the talk's loop; at most 1000)")
	seed := fs.Uint64("seed", 0, "seed for the random pauses (0: pick one and print it)")
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, "goroutines: go boring(...) runs boring in a goroutine while main listens, then main leaves")
			fmt.Fprintln(w, "usage: go run ./01_goroutines [flags]")
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		return err
	}
	if *listen < 0 || *listen > maxListen {
		return fmt.Errorf("-listen must be between 0 and %v, got %v", maxListen, *listen)
	}
	if *n < -1 || *n > maxN {
		return fmt.Errorf("-n must be between -1 and %d, got %d", maxN, *n)
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

	out := newStampWriter(w)
	pause := randomPauses(*seed, 1)
	if *listen == 0 {
		fmt.Fprintln(w, `main runs go boring("boring!") and returns at once ("Ignoring it"):`)
		ignoringIt(out, *n, pause)
	} else {
		fmt.Fprintf(w, "main runs go boring(\"boring!\"), listens for %v, then leaves:\n", *listen)
		ignoringItALittleLess(out, *listen, *n, pause)
	}
	// The talk's main returns here and the program exits. What boring says
	// from now on is lost, as it would be: out takes no more lines.
	last := ""
	if pickedSeed {
		last = fmt.Sprintf("seed %d: run again with -seed %d to replay\n", *seed, *seed)
	}
	out.exit(last)
	return nil
}

// A stampWriter prefixes each write with the time since it was made, in
// milliseconds. main and boring both write to it, so a mutex keeps their lines
// whole and their writes to w from racing. Each fmt.Fprintln is one write.
type stampWriter struct {
	mu     sync.Mutex
	w      io.Writer
	start  time.Time
	exited bool // the program has exited: later writes are lost
}

func newStampWriter(w io.Writer) *stampWriter {
	return &stampWriter{w: w, start: time.Now()}
}

func (s *stampWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.exited {
		return len(p), nil // nobody is there to see it
	}
	if _, err := fmt.Fprintf(s.w, "%4dms %s", time.Since(s.start).Milliseconds(), p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// exit writes last (unstamped) and stops taking writes, as the end of the
// process would: whatever boring says afterwards is not seen.
func (s *stampWriter) exit(last string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	io.WriteString(s.w, last)
	s.exited = true
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
