// Select shows the rules of the select statement at work, then rewrites
// fan-in with it: one goroutine serves both inputs.
//
// Slides: "Select", "Fan-in again", "Fan-in using select" (Go Concurrency
// Patterns, 2012).
//
// select is like a switch whose cases are communications. The program shows
// each of the slide's rules in one line of output, made by a select at work:
//
//  1. All channels are evaluated: every case's channel, and every value to
//     send, is computed on entry, even for the cases that do not proceed.
//  2. Selection blocks until one communication can proceed, which then does.
//  3. If several can proceed, select chooses pseudo-randomly. (This line's
//     counts come from the runtime's own choice, which -seed does not reach:
//     they differ from run to run.)
//  4. A default clause, if present, runs at once if no channel is ready.
//  5. Going further (the talk does not say it; Sameer Ajmani's "Advanced Go
//     Concurrency Patterns", 2013, relies on it): a closed channel is ready
//     every time, and setting the channel variable to nil switches its case
//     off, because a nil channel is never ready.
//
// "Fan-in again" shows the fanIn of 04_fan_in: a goroutine per input. fanIn
// here needs one goroutine in all, running a for-select loop over both
// inputs; its main is 04's, and so is what it shows: whoever is ready first
// is heard first.
//
// A run without -seed prints the seed it picked; -seed replays that run: the
// same lines at the same times (rule 3's counts aside), except that two
// speakers ready in the same millisecond may be heard in either order.
//
// Changed from the talk:
//   - fanIn's loop ends: when an input is closed, fanIn sets it to nil so its
//     case never fires again (rule 5); when both are nil it closes c, and its
//     goroutine ends. Without the nil, the closed input's case would be chosen
//     over and over, and the loop would spin.
//   - boring sends n messages (-n, default 5, so main's 2n receives are the
//     talk's ten) and then closes its channel, where the talk's loops forever.
//   - boring pauses before each message rather than after it, so it closes its
//     channel as soon as main has taken its last message: nothing is left
//     sleeping when main leaves (see 04_fan_in).
//   - boring takes the pause as an argument, so tests choose exact pauses; the
//     program draws them at random in whole milliseconds under 100ms: the
//     talk's rand.Intn(1e3) milliseconds in the select version, divided by ten.
//   - the slide's select prints with fmt.Printf; here it returns the line
//     (for c2 it says v2, where the slide has a slip, v1). Everything goes to
//     w, which puts the time since start on each line of the conversation.
package main

import (
	"fmt"
	"io"
	"time"
)

// The rules of select.

// slideSelect is the slide's select on c1, c2 and c3, returning what the
// slide prints.
func slideSelect(c1, c2, c3 chan int) string {
	select { // Changed: each case returns the line the slide prints.
	case v1 := <-c1:
		return fmt.Sprintf("received %v from c1", v1)
	case v2 := <-c2:
		return fmt.Sprintf("received %v from c2", v2) // Changed: v2, where the slide has v1.
	case c3 <- 23:
		return fmt.Sprintf("sent %v to c3", 23)
	default:
		return "no one was ready to communicate"
	}
}

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
func choosesRandomly(tries int) (c1s, c2s int) {
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

// closedThenNil runs a select on a closed channel c, with a default, tries
// times; then sets c to nil and does it again. It counts how often c's case
// was chosen each time.
func closedThenNil(tries int) (closed, nilled int) {
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

// rules shows each rule of select in one line, made by the selects above.
func rules(w io.Writer) {
	evaluated, said := allEvaluated()
	fmt.Fprintf(w, "1. All channels are evaluated: %d of 4 expressions ran on entry, then %q.\n", evaluated, said)
	waited, said := blocksUntilReady(20 * time.Millisecond)
	fmt.Fprintf(w, "2. It blocks until one can proceed: it waited %dms, then %q.\n", waited.Milliseconds(), said)
	const tries = 10000
	c1s, c2s := choosesRandomly(tries)
	fmt.Fprintf(w, "3. If several can proceed, it picks pseudo-randomly: c1 %d, c2 %d times.\n", c1s, c2s)
	fmt.Fprintf(w, "4. A default runs at once if none can: %q.\n", slideSelect(make(chan int), make(chan int), make(chan int)))
	closed, nilled := closedThenNil(tries)
	fmt.Fprintf(w, "5. Going further: a closed channel is ready %d of %d times; set to nil, %d.\n", closed, tries, nilled)
}

// Fan-in using select.

// boring returns a receive-only channel on which a new goroutine sends n
// numbered messages; then it closes the channel.
func boring(msg string, n int, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		for i := range n { // Changed: n messages, then stop.
			// Changed: the pause comes before the message (see the doc comment).
			time.Sleep(pause())
			c <- fmt.Sprintf("%s: %d", msg, i) // blocks until fanIn receives
		}
		close(c) // Changed: the sender closes, so fanIn switches this input off.
	}()
	return c
}

// fanIn returns a channel on which every message from input1 and input2 comes
// as soon as it is ready, using one goroutine. It closes once both inputs are
// closed and drained.
func fanIn(input1, input2 <-chan string) <-chan string {
	c := make(chan string)
	go func() {
		for input1 != nil || input2 != nil { // Changed: the talk's for {} never ends.
			select { // blocks until an input has a message or is closed
			case s, ok := <-input1:
				if !ok {
					input1 = nil // Changed: closed, so switch its case off (rule 5).
					continue
				}
				c <- s
			case s, ok := <-input2:
				if !ok {
					input2 = nil // Changed: likewise.
					continue
				}
				c <- s
			}
		}
		close(c) // Changed: both inputs are done; this goroutine is c's only sender.
	}()
	return c
}

// conversation is the slide's main, as in 04_fan_in: Joe and Ann through one
// channel, heard in the order they are ready.
func conversation(w io.Writer, n int, joePause, annPause func() time.Duration) {
	c := fanIn(boring("Joe", n, joePause), boring("Ann", n, annPause))
	for range 2 * n { // Changed: the talk's 10 receives, as each speaker now says n things.
		fmt.Fprintln(w, <-c)
	}
	fmt.Fprintln(w, "You're both boring; I'm leaving.")
}
