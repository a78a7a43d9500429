// Sequenced fan-in puts Joe and Ann back in turns without giving up the one
// channel: each Message carries its speaker's wait channel, and the speaker
// goes on only when main sends on it.
//
// Slides: "Restoring sequencing", two of that name (Go Concurrency Patterns,
// 2012).
//
// main receives two Messages, msg1 and msg2, whoever is ready first coming
// first, prints both, then sends on msg1.wait and msg2.wait. Watch the time
// column: each pair of lines is a round, which ends when the slower speaker
// has spoken; a fast speaker, ready long before, says nothing more until
// then. Within a round Joe or Ann may come first; nobody speaks twice.
package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Message is what a speaker sends: what it says, and the channel on which it
// waits for main's go-ahead.
type Message struct {
	str  string
	wait chan bool
}

// conversation is the slide's main: n rounds, each of one Message from each
// speaker, then a go-ahead for both.
func conversation(w io.Writer, n int, joePause, annPause func() time.Duration) {
	c := fanIn(boring("Joe", n, joePause), boring("Ann", n, annPause))
	for range n { // the talk's 5 rounds when n is 5
		msg1 := <-c
		fmt.Fprintln(w, msg1.str)
		msg2 := <-c
		fmt.Fprintln(w, msg2.str)
		msg1.wait <- true // msg1's speaker already waits for it: a buffer on wait would change nothing
		msg2.wait <- true
	}
	fmt.Fprintln(w, "You're all boring; I'm leaving.")
}

// boring returns a channel on which a new goroutine sends n numbered
// Messages, each after a pause and each followed by a wait for the go-ahead;
// then it closes the channel.
func boring(msg string, n int, pause func() time.Duration) <-chan Message {
	c := make(chan Message)
	waitForIt := make(chan bool) // one per speaker, in every Message it sends
	go func() {
		for i := range n {
			// Changed: the pause comes before the send, where the talk's comes
			// between the send and the wait: in the talk's order both speakers
			// are ready at 0ms, and the scheduler, not the pauses, picks which
			// main hears first.
			time.Sleep(pause())
			c <- Message{fmt.Sprintf("%s: %d", msg, i), waitForIt}
			<-waitForIt // blocks until main says go on
		}
		close(c) // Changed: the sender closes, so fanIn's goroutine for c ends.
	}()
	return c
}

// fanIn returns a channel on which every Message from every input comes as
// soon as it is ready. No slide shows it: this variadic fanIn is the one in
// the talk's support file (sequenceboring.go).
func fanIn(inputs ...<-chan Message) <-chan Message {
	c := make(chan Message)
	// Changed: a WaitGroup counts the copying goroutines, and one more closes c
	// once all are done: closing it while one still sends would panic.
	var wg sync.WaitGroup
	// Changed: the support file copies inputs[i] into a new input on each
	// turn of the loop; since Go 1.22 each turn has its own input.
	for _, input := range inputs {
		wg.Go(func() {
			for msg := range input { // Changed: ends when input closes; the talk's for { c <- <-input } never does.
				c <- msg // blocks until main receives
			}
		})
	}
	go func() {
		wg.Wait()
		close(c)
	}()
	return c
}
