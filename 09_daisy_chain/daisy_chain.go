// Daisy_chain passes a whisper down a chain of n goroutines, each adding one,
// to show how cheap goroutines are.
//
// Slides: "Daisy-chain", "Chinese whispers, gopher style" (Go Concurrency
// Patterns, 2012).
//
// Each gopher is a goroutine running f: it receives a number from its right,
// adds one and passes it to its left. main links n of them with n+1 channels,
// feeds 0 into the rightmost channel and reads n from the leftmost. The
// program prints the result, how long it took to build the chain and for the
// whisper to travel, and how much memory each gopher cost (from
// runtime.MemStats): a goroutine blocked on a channel costs a small stack and
// a few hundred bytes of heap. The chain is built first thing, so these are
// the costs of new goroutines; a program that has run goroutines before reuses
// their stacks and records and allocates less.
//
// Changed from the talk: the talk feeds in 1 and prints n+1; feeding 0 makes
// the answer n itself. The talk's code already ends every goroutine: each f
// returns after its one hand-off. -n chooses the length (default 100,000, the
// talk's demo).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"
)

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage already printed
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "daisy_chain:", err)
		os.Exit(2)
	}
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("daisy_chain", flag.ContinueOnError)
	n := fs.Int("n", 100_000, "gophers in the chain")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 0 {
		return fmt.Errorf("-n must be at least 0, got %d", *n)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	m := measure(*n)
	fmt.Fprintf(w, "A chain of %d gophers: 0 went in at the right, %d came out at the left.\n", *n, m.result)
	if *n == 0 {
		return nil // nothing to divide by
	}
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(*n) }
	fmt.Fprintf(w, "  building the chain: %v (%.0fns a gopher)\n", m.build.Round(time.Millisecond/10), per(m.build))
	fmt.Fprintf(w, "  the whisper's trip: %v (%.0fns a hop)\n", m.travel.Round(time.Millisecond/10), per(m.travel))
	fmt.Fprintf(w, "  memory: %.0f bytes a gopher (%.0f of stack, %.0f of heap for the goroutine and its channel)\n",
		float64(m.stack+m.heap)/float64(*n), float64(m.stack)/float64(*n), float64(m.heap)/float64(*n))
	return nil
}

// f is one gopher: it passes on one more than it receives.
func f(left, right chan int) {
	left <- 1 + <-right // blocks until the gopher on the right speaks, then until the one on the left listens
}

// chain links n gophers and returns the channels at its two ends: a value
// sent into rightmost comes out of leftmost, n larger. With n = 0 the two are
// the same channel.
func chain(n int) (leftmost, rightmost chan int) {
	leftmost = make(chan int)
	right := leftmost
	left := leftmost
	for range n {
		right = make(chan int)
		go f(left, right)
		left = right
	}
	return leftmost, right
}

// whisper builds a chain of n gophers, feeds 0 in at the right and returns
// what comes out at the left: n. Every gopher has returned by then.
func whisper(n int) int {
	leftmost, rightmost := chain(n)
	go func(c chan int) { c <- 0 }(rightmost) // a goroutine, because with n = 0 main itself receives on rightmost
	return <-leftmost
}

// measurement is what measure saw of one whisper.
type measurement struct {
	result        int
	build, travel time.Duration
	stack, heap   uint64 // bytes the built chain holds
}

// measure runs whisper's steps, timing the build and the trip and reading
// how much stack and heap the chain took while all its gophers were waiting.
func measure(n int) measurement {
	var before, built runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	leftmost, rightmost := chain(n)
	m := measurement{build: time.Since(start)}
	runtime.ReadMemStats(&built)
	// TotalAlloc only grows, so a collection during the build does not hide
	// what the chain allocated; the chain makes no garbage.
	m.heap = built.TotalAlloc - before.TotalAlloc
	m.stack = built.StackInuse - before.StackInuse

	start = time.Now()
	go func(c chan int) { c <- 0 }(rightmost)
	m.result = <-leftmost
	m.travel = time.Since(start)
	return m
}
