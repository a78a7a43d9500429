// Select shows the rules of the select statement, then rewrites fan-in with
// it: one goroutine serves both inputs.
//
// Slides: "Select", "Fan-in again", "Fan-in using select" (Go Concurrency
// Patterns, 2012).
//
// select is like a switch whose cases are communications. The program shows
// each rule in one line of output:
//
//  1. Every case's channel expression, and every value to send, is evaluated
//     once, on entry, even in the cases that do not proceed.
//  2. select blocks until one of its communications can proceed, which then
//     does.
//  3. If several can proceed, it chooses one pseudo-randomly.
//  4. A default clause runs at once if none can proceed.
//  5. A case on a nil channel never proceeds. The talk does not say it, but
//     its successors rely on it (Sameer Ajmani, "Advanced Go Concurrency
//     Patterns", 2013): setting a channel variable to nil switches its case
//     off in a for-select loop.
//
// The fan-in in 04_fan_in needs a goroutine per input; fanIn here needs one
// goroutine in all, running a for-select loop over both inputs. A select has
// a fixed set of cases, so this fanIn takes two inputs, as the talk's does; for
// a number of inputs known only at run time, 04's goroutine per input is the
// simple answer.
//
// Changed from the talk: the talk's fanIn loops forever and never closes its
// output. Here, when an input is closed, fanIn sets it to nil so its case
// never fires again (rule 5); when both are nil it closes its output and its
// goroutine ends. The producers send -n messages each and close their
// channels. Pauses are a tenth as long (under 100ms).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"
)

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage already printed
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "select:", err)
		os.Exit(2)
	}
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("select", flag.ContinueOnError)
	n := fs.Int("n", 5, "messages each producer sends")
	seed := fs.Uint64("seed", 0, "seed for the random pauses (0: different every run)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 0 {
		return fmt.Errorf("-n must be at least 0, got %d", *n)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *seed == 0 {
		*seed = rand.Uint64()
	}

	fmt.Fprintln(w, "The rules of select:")
	evaluated, chosen := evaluatesEveryCase()
	fmt.Fprintf(w, "  1. Every case is evaluated on entry: %d channel and value expressions ran; one case proceeded (%s).\n", evaluated, chosen)
	fmt.Fprintf(w, "  2. It blocks until a case can proceed: it waited %dms for a sender.\n", blocksUntilReady(20*time.Millisecond).Milliseconds())
	const tries = 10000
	a, b := choosesRandomly(tries)
	fmt.Fprintf(w, "  3. If several can proceed, it picks one at random: a %d times, b %d times in %d.\n", a, b, tries)
	fmt.Fprintf(w, "  4. A default case runs at once when none can: nothing ready, default ran: %t; a value ready, default ran: %t.\n", runsDefault(false), runsDefault(true))
	fmt.Fprintf(w, "  5. A case on a nil channel never proceeds: chosen %d times in %d.\n", nilCaseChosen(tries), tries)

	fmt.Fprintln(w, "\nFan-in using select: one goroutine serves both inputs.")
	const maxPause = 100 * time.Millisecond
	// Each producer gets its own pause source: a rand.Rand is not safe for
	// concurrent use.
	conversation(w, *n, randomPauses(*seed, 1, maxPause), randomPauses(*seed, 2, maxPause))
	return nil
}

// evaluatesEveryCase runs one select whose first case can proceed, counting
// how many channel and value expressions were evaluated.
func evaluatesEveryCase() (evaluated int, chosen string) {
	ready := make(chan int, 1)
	ready <- 1
	never := make(chan int) // nobody receives from or sends on it
	count := func(c chan int) chan int { evaluated++; return c }
	value := func(v int) int { evaluated++; return v }
	select {
	case <-count(ready):
		chosen = "the receive from the ready channel"
	case count(never) <- value(42): // evaluated, though this send cannot proceed
		chosen = "the send nobody receives"
	}
	return evaluated, chosen
}

// blocksUntilReady selects on a channel that a goroutine sends on after
// delay, and returns how long the select waited.
func blocksUntilReady(delay time.Duration) time.Duration {
	start := time.Now()
	c := make(chan bool)
	go func() {
		time.Sleep(delay)
		c <- true
	}()
	never := make(chan bool) // nobody sends on it
	select {                 // neither case can proceed yet: select blocks until the send
	case <-c:
	case <-never:
	}
	return time.Since(start)
}

// choosesRandomly runs a select with two cases that can always proceed and
// counts how often each was chosen.
func choosesRandomly(tries int) (a, b int) {
	ca, cb := make(chan bool, 1), make(chan bool, 1)
	for range tries {
		ca <- true // both cases can proceed...
		cb <- true
		select { // ...so select picks one at random
		case <-ca:
			a++
			<-cb // empty the other, ready for the next try
		case <-cb:
			b++
			<-ca
		}
	}
	return a, b
}

// runsDefault reports whether a select with a default clause ran the
// default, with or without a value ready on its one channel.
func runsDefault(ready bool) bool {
	c := make(chan int, 1)
	if ready {
		c <- 1
	}
	select {
	case <-c:
		return false
	default: // runs at once: nothing can proceed
		return true
	}
}

// nilCaseChosen runs a select with a case on a nil channel and a case that
// can always proceed, and counts how often the nil case was chosen.
func nilCaseChosen(tries int) int {
	var off chan int // nil: receiving from it would block forever
	ready := make(chan int, 1)
	chosen := 0
	for range tries {
		ready <- 1
		select {
		case <-off:
			chosen++
		case <-ready:
		}
	}
	return chosen
}

// conversation is the talk's main for fan-in: Joe and Ann, heard through one
// channel as soon as either is ready. Each line is prefixed with the time
// since start.
func conversation(w io.Writer, n int, joePause, annPause func() time.Duration) {
	start := time.Now()
	for s := range fanIn(boring("Joe", n, joePause), boring("Ann", n, annPause)) {
		fmt.Fprintf(w, "%4dms %s\n", time.Since(start).Milliseconds(), s)
	}
	fmt.Fprintf(w, "%4dms You're both boring; I'm leaving.\n", time.Since(start).Milliseconds())
}

// fanIn returns a channel that carries every message from both inputs, each
// passed on as soon as it is ready, using one goroutine. The output closes
// once both inputs are closed and drained.
func fanIn(input1, input2 <-chan string) <-chan string {
	c := make(chan string)
	go func() {
		defer close(c) // fanIn's goroutine is the only sender on c
		for input1 != nil || input2 != nil {
			select { // blocks until either input has a message or is closed
			case s, ok := <-input1:
				if !ok {
					input1 = nil // closed: switch this case off (rule 5)
					continue
				}
				c <- s
			case s, ok := <-input2:
				if !ok {
					input2 = nil
					continue
				}
				c <- s
			}
		}
	}()
	return c
}

// boring returns a receive-only channel on which a new goroutine sends n
// numbered messages, pausing before each; then it closes the channel.
func boring(msg string, n int, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		for i := range n {
			time.Sleep(pause())
			c <- fmt.Sprintf("%s %d", msg, i) // blocks until fanIn receives
		}
		close(c) // the sender closes: fanIn switches this input off
	}()
	return c
}

// randomPauses returns a source of random pauses in [0, max), as the talk's
// rand.Intn(1e3) milliseconds but shorter. Sources with the same seed and
// different streams are independent. The source is not safe for concurrent
// use: give each goroutine its own.
func randomPauses(seed, stream uint64, max time.Duration) func() time.Duration {
	r := rand.New(rand.NewPCG(seed, stream))
	return func() time.Duration { return time.Duration(r.Int64N(int64(max))) }
}
