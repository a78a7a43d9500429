// Sync_fan_in restores sequencing to a fan-in: every speaker sends a message
// carrying its own wait channel and does not go on until main answers on it.
//
// Slides: "Restoring sequencing" (Go Concurrency Patterns, 2012).
//
// After fan-in (04_fan_in) a fast speaker can say several things before a
// slow one says anything. To restore lockstep without giving up the single
// channel, each Message carries a wait channel private to its speaker. A
// speaker sends a Message, then blocks receiving on its wait channel. main
// takes one Message from each speaker (whoever is ready first comes first) and
// then sends on each wait channel to let them all go on. Everyone waits their
// turn: the time on each line shows the fast speaker held back until the slow
// one has spoken.
//
// Changed from the talk: the talk has two speakers that loop forever; here
// there are any number of speakers, each sends -n messages and closes its
// channel, and fanIn closes its output once they are all done, so no goroutine
// is left. A speaker pauses before each message rather than after, so it ends
// as soon as main releases it from the last round. Pauses are a tenth as long
// (under 100ms).
package main

import (
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
		fmt.Fprintln(os.Stderr, "sync_fan_in:", err)
		os.Exit(2)
	}
}

// run parses args and shows the pattern, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("sync_fan_in", flag.ContinueOnError)
	n := fs.Int("n", 5, "messages each speaker sends")
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
	// Each speaker gets its own pause source: a rand.Rand is not safe for
	// concurrent use.
	const maxPause = 100 * time.Millisecond
	conversation(w, *n, []speaker{
		{"Joe", randomPauses(*seed, 1, maxPause)},
		{"Ann", randomPauses(*seed, 2, maxPause)},
	})
	return nil
}

// Message is what a speaker sends: what it says, and the channel on which it
// waits for permission to go on.
type Message struct {
	str  string
	wait chan bool
}

// speaker names a boring speaker and how long it pauses before each message.
type speaker struct {
	name  string
	pause func() time.Duration
}

// conversation fans in the speakers and hears n rounds. In each round main
// takes one Message from every speaker, in the order they are ready, then
// releases them all. Each line is prefixed with the time since start.
func conversation(w io.Writer, n int, speakers []speaker) {
	start := time.Now()
	inputs := make([]<-chan Message, len(speakers))
	for i, s := range speakers {
		inputs[i] = boring(s.name, n, s.pause)
	}
	c := fanIn(inputs...)
	round := make([]Message, len(speakers))
	for range n {
		// A speaker that has sent is blocked on its wait channel, so it cannot
		// send again: these are one Message from each speaker.
		for i := range round {
			round[i] = <-c
			fmt.Fprintf(w, "%4dms %s\n", time.Since(start).Milliseconds(), round[i].str)
		}
		for _, msg := range round {
			msg.wait <- true // let this speaker go on
		}
	}
	// Released from the last round, every speaker closes its channel, and
	// then fanIn closes c: once this receive returns, nothing is left running.
	<-c
	fmt.Fprintf(w, "%4dms You're all boring; I'm leaving.\n", time.Since(start).Milliseconds())
}

// boring returns a channel on which a new goroutine sends n numbered Messages,
// pausing before each and waiting after each until the receiver sends on the
// Message's wait channel; then it closes the channel.
func boring(msg string, n int, pause func() time.Duration) <-chan Message {
	c := make(chan Message)
	waitForIt := make(chan bool) // this speaker's own, shared by all its messages
	go func() {
		for i := range n {
			time.Sleep(pause())
			c <- Message{fmt.Sprintf("%s %d", msg, i), waitForIt}
			<-waitForIt // blocks until main lets us go on
		}
		close(c) // the sender closes: fanIn's forwarder for c ends
	}()
	return c
}

// fanIn returns a channel that carries every Message from every input, each
// passed on as soon as it is ready. The output closes once every input is
// closed and drained.
func fanIn(inputs ...<-chan Message) <-chan Message {
	c := make(chan Message)
	var wg sync.WaitGroup
	for _, input := range inputs {
		wg.Go(func() { // one forwarder per input
			for msg := range input {
				c <- msg // blocks until main receives
			}
		})
	}
	go func() {
		wg.Wait() // the last forwarder is done: nobody sends on c any more
		close(c)
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
