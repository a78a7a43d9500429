// Select with a timeout stops listening when a speaker takes too long: once
// with a timeout for each message, once with one for the whole conversation.
//
// Slides: "Timeout using select", "Timeout for whole conversation using
// select" (Go Concurrency Patterns, 2012).
//
// time.After returns a channel that delivers the time once, after the given
// duration; in a select beside Joe's channel, whichever is ready first wins.
// Watch the time column, which starts at 0 in each part: a timer made inside
// the loop says "You're too slow." 100ms after the last message, however many
// came before; one made before the loop says "You talk too much." at 500ms,
// however fast Joe talks. A real run may print them a little late: within a
// millisecond or so on an idle machine.
package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// timeoutEachMessage is the main of "Timeout using select": listen to Joe
// until one message takes longer than 100ms.
func timeoutEachMessage(w io.Writer, n int, pause func() time.Duration, drains *sync.WaitGroup) {
	c := boring("Joe", n, pause)
	for {
		// time.After makes a new timer each time round the loop: 3 allocations,
		// 248 bytes, a message on Go 1.26 (go test -run '^$' -bench TimeAfter
		// -benchmem ./07_select_timeout). Since Go 1.23 a timer that nobody
		// refers to any more is collected even if it never fired.
		select {
		case s, ok := <-c:
			if !ok { // Changed: Joe closes c after n messages; then there is nothing to wait for.
				fmt.Fprintln(w, "Joe has nothing more to say.")
				return
			}
			fmt.Fprintln(w, s)
		case <-time.After(100 * time.Millisecond): // a new timer for each message
			fmt.Fprintln(w, "You're too slow.")
			// Changed: a drain takes what Joe still says, so that his goroutine
			// ends; main waits for the drains at its end, not here.
			drains.Go(func() { drain(c) })
			return
		}
	}
}

// timeoutWholeConversation is the main of "Timeout for whole conversation
// using select": listen to Joe for 500ms in all.
func timeoutWholeConversation(w io.Writer, n int, pause func() time.Duration, drains *sync.WaitGroup) {
	c := boring("Joe", n, pause)
	timeout := time.After(500 * time.Millisecond) // one timer, made once, for the whole loop
	for {
		select {
		case s, ok := <-c:
			if !ok { // Changed: as above, stop when Joe has closed c.
				fmt.Fprintln(w, "Joe has nothing more to say.")
				return
			}
			fmt.Fprintln(w, s)
		case <-timeout:
			fmt.Fprintln(w, "You talk too much.")
			drains.Go(func() { drain(c) }) // Changed: as above, a drain lets Joe end.
			return
		}
	}
}

// boring returns a channel on which a new goroutine says numbered messages.
// As on these slides, it sends and then pauses, so after his last message Joe
// pauses once more before he closes c.
func boring(msg string, n int, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		defer close(c) // Changed: the sender closes c after its last pause, so receivers see that Joe has finished.
		for i := range n {
			c <- fmt.Sprintf("%s: %d", msg, i) // blocks until someone receives
			time.Sleep(pause())
		}
	}()
	return c
}

// drain receives and drops what is left on c until Joe closes it. Once the
// listener has given up, nobody else receives, and Joe would block on his next
// send for ever; drained, he says the rest to nobody, one pause apart, and
// returns. These slides have no way to tell him to stop: 08_quit_channel does.
func drain(c <-chan string) {
	for range c {
	}
}
