// Fan-in merges two channels into one, so main hears whoever is ready first.
//
// Slides: "Multiplexing", "Fan-in" (Go Concurrency Patterns, 2012).
//
// In 03_generator main heard Joe, then Ann, in turn. Here fanIn starts one
// goroutine per input, each copying its input into one channel, and main
// receives only from that channel. Watch the time column: a fast speaker may
// say several things while a slow one is still pausing, yet each speaker's
// own order is kept.
//
// Going further, after the slide's code: fanInAll merges any number of
// inputs. The talk's support file for "Restoring sequencing" has such a
// variadic fanIn; no slide shows it.
package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// boring returns a receive-only channel on which a new goroutine sends n
// numbered messages, each after a pause; then it closes the channel.
func boring(msg string, n int, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		for i := range n {
			// Changed: the pause comes before the send, not after it, so boring
			// closes c as soon as main has its last message instead of sleeping
			// once more.
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
	// A buffer would change nothing visible: main takes each message as soon
	// as it has printed the one before.
	c := make(chan string)
	// Changed: a WaitGroup counts the two copying goroutines, and a third closes
	// c once both are done: closing it while one still sends would panic.
	var wg sync.WaitGroup
	wg.Go(func() {
		for s := range input1 { // Changed: ends when input1 closes; the talk's for { c <- <-input1 } never does.
			c <- s // blocks until main receives
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

// conversation is the slide's main: Joe and Ann through one channel, heard
// in the order they are ready.
func conversation(w io.Writer, n int, joePause, annPause func() time.Duration) {
	c := fanIn(boring("Joe", n, joePause), boring("Ann", n, annPause))
	for range 2 * n { // the talk's 10 receives when n is 5
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
