// Select waits on several communications at once; with it, fan-in needs one
// goroutine instead of one per input.
//
// Slides: "Select", "Fan-in again", "Fan-in using select" (Go Concurrency
// Patterns, 2012).
//
// The program prints one line for each of the slide's four rules of select,
// each made by a select at work (rule 3's counts come from the runtime's own
// random choice, which -seed does not reach). Then 04_fan_in's conversation
// runs through fanIn rewritten as one goroutine with a for-select loop
// (oldFanIn, the slide's "Old:", is there for the tests to compare): whoever
// is ready first is heard first, as before.
//
// Going further: the selects behind the rules; why fanIn nils a closed input.
package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Select.

// slideSelect is the slide's select on c1, c2 and c3.
// Changed: the channels are arguments, so a caller chooses which is ready (the
// talk's select.go declares them in main, all nil: its select always takes
// the default).
func slideSelect(c1, c2, c3 chan int) string {
	select { // each case returns the line the slide prints, for the caller to write to w
	case v1 := <-c1:
		return fmt.Sprintf("received %v from c1", v1)
	case v2 := <-c2:
		return fmt.Sprintf("received %v from c2", v2) // Changed: v2; the slide's v1 is out of scope here and would not compile.
	case c3 <- 23:
		return fmt.Sprintf("sent %v to c3", 23)
	default:
		return "no one was ready to communicate"
	}
}

// Fan-in again.

// oldFanIn is 04_fan_in's fanIn, which the slide shows again before rewriting
// it: one goroutine per input copies it into c, and c closes once both are
// done. Changed: named oldFanIn, after the slide's "Old:"; in the talk both
// versions are called fanIn, and one package cannot hold two.
func oldFanIn(input1, input2 <-chan string) <-chan string {
	c := make(chan string)
	// Changed: as in 04_fan_in, the copying goroutines end when their inputs
	// close (the talk's for { c <- <-input1 } never does), and a third closes
	// c once a WaitGroup says both are done.
	var wg sync.WaitGroup
	wg.Go(func() {
		for s := range input1 {
			c <- s
		}
	})
	wg.Go(func() {
		for s := range input2 {
			c <- s
		}
	})
	go func() {
		wg.Wait()
		close(c)
	}()
	return c
}

// Fan-in using select.

// fanIn returns a channel on which every message from input1 and input2 comes
// as soon as it is ready, using one goroutine. It closes once both inputs are
// closed and drained.
func fanIn(input1, input2 <-chan string) <-chan string {
	c := make(chan string)
	go func() {
		// Changed: the talk's for {} never ends. A closed input is set to nil,
		// which switches its case off (a nil channel is never ready, while a
		// closed one is always ready); once both are nil, c is closed.
		for input1 != nil || input2 != nil {
			select { // blocks until an input has a message or is closed
			case s, ok := <-input1:
				if !ok {
					input1 = nil
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
		close(c) // this goroutine is c's only sender
	}()
	return c
}

// boring returns a receive-only channel on which a new goroutine sends n
// numbered messages, each after a pause; then it closes the channel.
func boring(msg string, n int, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		for i := range n {
			// Changed: the pause comes before the send, not after it, so boring
			// closes c as soon as main has its last message instead of sleeping on.
			time.Sleep(pause())
			c <- fmt.Sprintf("%s: %d", msg, i) // blocks until fanIn receives
		}
		close(c) // Changed: the sender closes, so fanIn switches this input off.
	}()
	return c
}

// conversation is the slide's main, as in 04_fan_in: Joe and Ann through one
// channel, heard in the order they are ready.
func conversation(w io.Writer, n int, joePause, annPause func() time.Duration) {
	c := fanIn(boring("Joe", n, joePause), boring("Ann", n, annPause))
	for range 2 * n { // the talk's 10 receives when n is 5
		fmt.Fprintln(w, <-c)
	}
	fmt.Fprintln(w, "You're both boring; I'm leaving.")
}

// Going further: the rules of select at work. The slide states them; each
// function below makes one of them show in what a select does.

// tries is how many selects make each count the program prints.
const tries = 10000

// allEvaluated runs the slide's select with every channel and the value to
// send coming from a call that counts itself. Only c1 is ready.
func allEvaluated() (evaluated int, said string) {
	c1, c2, c3 := make(chan int, 1), make(chan int), make(chan int)
	c1 <- 1
	ch := func(c chan int) chan int { evaluated++; return c }
	value := func(v int) int { evaluated++; return v }
	select { // all four calls run here, before any case is chosen
	case v1 := <-ch(c1):
		said = fmt.Sprintf("received %v from c1", v1)
	case v2 := <-ch(c2):
		said = fmt.Sprintf("received %v from c2", v2)
	case ch(c3) <- value(23):
		said = fmt.Sprintf("sent %v to c3", 23)
	default:
		said = "no one was ready to communicate"
	}
	return evaluated, said
}

// blocksUntilReady runs a select on two channels, neither ready; a goroutine
// sends on the second after delay. It returns how long the select waited and
// what it received.
func blocksUntilReady(delay time.Duration) (waited time.Duration, said string) {
	start := time.Now()
	c1, c2 := make(chan int), make(chan int)
	go func() {
		time.Sleep(delay)
		c2 <- 2
	}()
	select { // blocks until the send on c2 can proceed
	case v1 := <-c1:
		said = fmt.Sprintf("received %v from c1", v1)
	case v2 := <-c2:
		said = fmt.Sprintf("received %v from c2", v2)
	}
	return time.Since(start), said
}

// choosesRandomly runs a select with two cases that can both proceed, tries
// times, and counts how often each was chosen.
func choosesRandomly() (c1s, c2s int) {
	c1, c2 := make(chan int, 1), make(chan int, 1)
	for range tries {
		c1 <- 1 // both cases can proceed...
		c2 <- 2
		select { // ...so select picks one pseudo-randomly
		case <-c1:
			c1s++
			<-c2 // empty the other, ready for the next try
		case <-c2:
			c2s++
			<-c1
		}
	}
	return c1s, c2s
}

// rules shows each rule of the slide in one line, made by the selects above.
func rules(w io.Writer) {
	evaluated, said := allEvaluated()
	fmt.Fprintf(w, "1. All channels are evaluated: %d of 4 expressions ran on entry, then %q.\n", evaluated, said)
	waited, said := blocksUntilReady(20 * time.Millisecond)
	fmt.Fprintf(w, "2. It blocks until one can proceed: it waited %dms, then %q.\n", waited.Milliseconds(), said)
	c1s, c2s := choosesRandomly()
	fmt.Fprintf(w, "3. If several can proceed, it picks pseudo-randomly: c1 %d, c2 %d times.\n", c1s, c2s)
	fmt.Fprintf(w, "4. A default runs at once if none can: %q.\n", slideSelect(make(chan int), make(chan int), make(chan int)))
}

// Going further: closed and nil channels in a select. The talk does not say
// it; Sameer Ajmani's "Advanced Go Concurrency Patterns" (2013) relies on the
// nil half ("Select and nil channels").

// closedThenNil runs a select on a closed channel c, with a default, tries
// times; then sets c to nil and does it again. It counts how often c's case
// was chosen each time.
func closedThenNil() (closed, nilled int) {
	c := make(chan int)
	close(c)
	count := func() (chosen int) {
		for range tries {
			select {
			case <-c: // a closed channel is always ready; a nil one never
				chosen++
			default:
			}
		}
		return chosen
	}
	closed = count()
	c = nil // switches c's case off
	nilled = count()
	return closed, nilled
}

// goingFurther shows, in one line, what fanIn relies on to end.
func goingFurther(w io.Writer) {
	closed, nilled := closedThenNil()
	fmt.Fprintf(w, "Going further: a closed channel is ready %d of %d times; set to nil, %d.\n", closed, tries, nilled)
}
