// Sync_fan_in restores lockstep to a fan-in: each speaker sends a message
// that carries its own wait channel, and does not go on until main answers on
// it.
//
// Slides: "Restoring sequencing" (Go Concurrency Patterns, 2012).
//
// After fan-in (04_fan_in) a fast speaker could say several things before a
// slow one said anything. To get turns back without giving up the single
// channel, a Message carries a wait channel private to its speaker. A speaker
// sends a Message, then blocks receiving on its wait channel. main receives
// two Messages, msg1 and msg2, whoever is ready first coming first, prints
// both, then sends on msg1.wait and msg2.wait to let both go on. A fast
// speaker, ready long before, waits for the slow one: a round ends when the
// slower speaker has spoken, and a line after each round says so. Within a
// round Joe or Ann may come first; nobody says two things in one round.
//
// A run without -seed prints the seed it picked; -seed replays that run: the same
// lines at the same times, except that two speakers ready in the same
// millisecond may be heard in either order.
//
// Changed from the talk:
//   - boring sends n Messages (-n rounds, default 5 as in the talk) and then
//     closes its channel, where the talk's loops forever. fanIn's goroutines
//     range over their inputs and end when they close; as in 04_fan_in, a
//     sync.WaitGroup tells a third goroutine when all are done, so that it can
//     close c. Released from the last round, the speakers end at once: no
//     goroutine is left behind.
//   - boring pauses before each Message, where the talk's pauses between
//     sending it and waiting. In the talk's order Joe and Ann both speak at
//     0ms, main takes one of them first as the scheduler happens to pick, and
//     that choice moves every later time (the first released starts talking
//     again sooner): the same seed could not replay a run. Pausing first,
//     main releases both at the same instant in every round and each speaks
//     after its own pause.
//   - main writes a line at the end of each round; w puts the time since
//     start on every line.
//   - boring takes the pause as an argument, so tests choose exact pauses; the
//     program draws them at random in whole milliseconds under 200ms, the
//     talk's rand.Intn(2e3) milliseconds divided by ten.
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
	for i := range n { // Changed: n rounds, the talk's 5 by default.
		msg1 := <-c
		fmt.Fprintln(w, msg1.str)
		msg2 := <-c
		fmt.Fprintln(w, msg2.str)
		msg1.wait <- true // msg1's speaker already waits for it: a buffer on wait would change nothing
		msg2.wait <- true
		fmt.Fprintf(w, "round %d over: both went on\n", i+1) // Changed: marks where the round ends.
	}
	fmt.Fprintln(w, "You're all boring; I'm leaving.")
}

// boring returns a channel on which a new goroutine sends n numbered
// Messages, each after a pause and each followed by a wait for the go-ahead;
// then it closes the channel.
func boring(msg string, n int, pause func() time.Duration) <-chan Message {
	c := make(chan Message)
	waitForIt := make(chan bool) // Shared between all messages.
	go func() {
		for i := range n { // Changed: n Messages, then stop.
			time.Sleep(pause()) // Changed: before the send, not between it and the wait (see the doc comment).
			c <- Message{fmt.Sprintf("%s: %d", msg, i), waitForIt}
			<-waitForIt // blocks until main says go on
		}
		close(c) // Changed: the sender closes, so fanIn's goroutine for c ends.
	}()
	return c
}

// fanIn returns a channel on which every Message from every input comes as
// soon as it is ready. It closes once every input is closed and drained.
func fanIn(inputs ...<-chan Message) <-chan Message {
	c := make(chan Message)
	var wg sync.WaitGroup // Changed: counts the copying goroutines, so c can be closed.
	for _, input := range inputs {
		wg.Go(func() {
			for msg := range input { // Changed: the talk's for { c <- <-input } never ends.
				c <- msg // blocks until main receives
			}
		})
	}
	go func() { // Changed: only a sender may close c, and only when all are done.
		wg.Wait()
		close(c)
	}()
	return c
}
