// Goroutines starts a boring function with the go statement and listens to it
// for a while before leaving.
//
// Slides: "A boring function", "Slightly less boring", "Running it",
// "Ignoring it", "Ignoring it a little less", "Goroutines" (Go Concurrency
// Patterns, 2012).
//
// boring prints numbered messages with a random pause between them. Calling it
// plainly would run forever; "go boring(...)" starts it in a goroutine, an
// independently executing function with its own small, growable stack, and
// returns at once. When main returns, the program ends and every goroutine dies
// with it: that is "Ignoring it", and it is what -listen 0 shows here (boring
// hardly gets a word in). By default main listens for a while first, as in
// "Ignoring it a little less", so you see both speaking at the same time.
//
// Changed from the talk: pauses are a tenth as long (under 100ms, listening
// 200ms). The talk lets the end of the process kill boring mid-sentence; a test
// or a library cannot rely on that, so run cancels a context and waits for
// boring to return before it says it is leaving. Nothing is printed after that
// line and no goroutine is left behind.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sync"
	"time"
)

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage already printed
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "goroutines:", err)
		os.Exit(2)
	}
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("goroutines", flag.ContinueOnError)
	listen := fs.Duration("listen", 200*time.Millisecond, "how long main listens before leaving (0: the talk's \"Ignoring it\")")
	seed := fs.Uint64("seed", 0, "seed for the random pauses (0: different every run)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *listen < 0 {
		return fmt.Errorf("-listen must be at least 0, got %v", *listen)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	talk(w, *listen, randomPauses(*seed, 100*time.Millisecond))
	return nil
}

// talk is main from "Ignoring it a little less": start boring, listen, leave.
// Each line is prefixed with the time since start.
func talk(w io.Writer, listen time.Duration, pause func() time.Duration) {
	start := time.Now()
	// Two goroutines print: main and boring. The mutex keeps their lines whole
	// and their writes to w from racing.
	var mu sync.Mutex
	say := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%4dms %s\n", time.Since(start).Milliseconds(), s)
	}

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { boring(ctx, "boring!", say, pause) }) // the talk: go boring("boring!")
	say("I'm listening.")
	time.Sleep(listen)

	// The talk returns from main here and the process takes boring with it.
	// We tell boring to stop and wait until it has, so it cannot speak after
	// main has left.
	stop()
	wg.Wait()
	say("You're boring; I'm leaving.")
}

// boring says msg with a counter, pausing between messages, until ctx is done.
func boring(ctx context.Context, msg string, say func(string), pause func() time.Duration) {
	for i := 0; ctx.Err() == nil; i++ {
		say(fmt.Sprintf("%s %d", msg, i))
		// The talk sleeps here. We also wake when main leaves, so boring stops
		// at once instead of finishing its pause.
		select {
		case <-time.After(pause()):
		case <-ctx.Done():
		}
	}
}

// randomPauses returns a source of random pauses in [0, max), as the talk's
// rand.Intn(1e3) milliseconds but shorter. Seed 0 picks a random seed.
// The source is not safe for concurrent use: give each goroutine its own.
func randomPauses(seed uint64, max time.Duration) func() time.Duration {
	if seed == 0 {
		seed = rand.Uint64()
	}
	r := rand.New(rand.NewPCG(seed, 0))
	return func() time.Duration { return time.Duration(r.Int64N(int64(max))) }
}
