// Fan_in merges two channels into one, so main hears whoever is ready first.
//
// Slides: "Multiplexing", "Fan-in" (Go Concurrency Patterns, 2012).
//
// In 03_generator main heard Joe, then Ann, then Joe: a speaker who was ready
// early still had to wait for their turn. fanIn starts one goroutine per input;
// each copies its input into one channel c, and main receives only from c. Now
// the order of the lines is the order in which Joe and Ann are ready: the time
// on each line shows a fast speaker saying several things while a slow one is
// still pausing. Within one speaker the order stays: each input is copied by
// one goroutine, one message at a time.
//
// A run without -seed prints the seed it picked; -seed replays that run: the same
// lines at the same times, except that two speakers ready in the same
// millisecond may be heard in either order.
//
// Changed from the talk:
//   - boring sends n messages (-n, default 5, so main's 2n receives are the
//     talk's ten) and then closes its channel, where the talk's loops forever;
//     fanIn's goroutines range over their inputs and end when they close, and a
//     sync.WaitGroup tells a third goroutine when both are done, so that it can
//     close c. No goroutine is left behind, and a caller may range over c.
//   - boring pauses before each message rather than after it, so it closes its
//     channel as soon as main has taken its last message: nothing is left
//     sleeping when main leaves. (Pausing first also keeps Joe: 0 and Ann: 0
//     from both being ready at 0ms, where the scheduler, not the seed, would
//     pick which one main hears first.)
//   - boring takes the pause as an argument, so tests choose exact pauses; the
//     program draws them at random in whole milliseconds under 200ms, the
//     talk's rand.Intn(2e3) milliseconds divided by ten.
//   - main writes to w, which puts the time since start on each line.
//
// Going further, after the slide's code: fanInAll merges any number of
// inputs, with a goroutine per input, as the talk's "Restoring sequencing"
// slide does.
package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// boring returns a receive-only channel on which a new goroutine sends n
// numbered messages; then it closes the channel.
func boring(msg string, n int, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		for i := range n { // Changed: n messages, then stop.
			// Changed: the pause comes before the message (see the doc comment).
			time.Sleep(pause())
			c <- fmt.Sprintf("%s: %d", msg, i) // blocks until fanIn's goroutine receives
		}
		close(c) // Changed: the sender closes, so fanIn's goroutine for c ends.
	}()
	return c
}

// fanIn returns a channel on which every message from input1 and input2 comes
// as soon as it is ready. It closes once both inputs are closed and drained.
func fanIn(input1, input2 <-chan string) <-chan string {
	// main is always waiting on c: a buffer would change nothing (03 shows where it does).
	c := make(chan string)
	var wg sync.WaitGroup // Changed: counts the two copying goroutines, so c can be closed.
	wg.Go(func() {
		for s := range input1 { // Changed: the talk's for { c <- <-input1 } never ends.
			c <- s // blocks until main receives
		}
	})
	wg.Go(func() {
		for s := range input2 {
			c <- s
		}
	})
	go func() { // Changed: only a sender may close c, and only when both are done.
		wg.Wait()
		close(c)
	}()
	return c
}

// conversation is the slide's main: Joe and Ann through one channel, heard
// in the order they are ready.
func conversation(w io.Writer, n int, joePause, annPause func() time.Duration) {
	c := fanIn(boring("Joe", n, joePause), boring("Ann", n, annPause))
	for range 2 * n { // Changed: the talk's 10 receives, as each speaker now says n things.
		fmt.Fprintln(w, <-c)
	}
	fmt.Fprintln(w, "You're both boring; I'm leaving.")
}

// Going further: fan-in of any number of inputs.

// fanInAll is fanIn for any number of inputs: one goroutine per input copies
// it into c, and c closes once every input is closed and drained. A caller
// must receive until then, or the copying goroutines wait for it forever.
func fanInAll(inputs ...<-chan string) <-chan string {
	c := make(chan string)
	var wg sync.WaitGroup
	for _, input := range inputs {
		wg.Go(func() {
			for s := range input {
				c <- s
			}
		})
	}
	go func() {
		wg.Wait()
		close(c)
	}()
	return c
}
