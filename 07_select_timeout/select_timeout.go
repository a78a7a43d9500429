// Select_timeout stops listening when a speaker is too slow: once with a
// timeout for each message, once with a timeout for the whole conversation.
//
// Slides: "Timeout using select", "Timeout for whole conversation using
// select" (Go Concurrency Patterns, 2012).
//
// time.After returns a channel that delivers the time once, after the given
// duration. Put it in a select beside the message channel and whichever is
// ready first wins. Made inside the loop (timeoutEachMessage), a new timer
// starts with each message: "You're too slow." as soon as one message takes
// longer than 100ms, however many came before. Made once before the loop
// (timeoutWholeConversation), one timer bounds the whole conversation: "You
// talk too much." at 500ms, however fast the messages come. The time on each
// line of the program's output shows the timeout firing: a millisecond or so
// late in a real run, exactly on time in the tests, which run in virtual time.
//
// Durations are the talk's divided by ten: Joe pauses up to 150ms (the talk's
// 1.5s) against a 100ms timeout for each message (1s) and 500ms for the whole
// conversation (5s). As on these slides, boring sends and then pauses (04 to
// 06 pause first): a timeout runs out while Joe is in a pause, and when he
// runs out of messages, he closes his channel one pause after the last.
//
// Changed from the talk:
//   - boring says at most n messages, then closes its channel, so that its
//     goroutine can end; the listener stops when the channel is closed ("Joe
//     has nothing more to say.").
//   - When the listener gives up, it starts a goroutine that drains what Joe
//     still has to say, and returns at once. Without it Joe would block on
//     his next send for ever; with it he says the rest of his messages to
//     nobody, one pause apart, and his goroutine ends. Nothing waits for that:
//     the program goes on to the second part while the first Joe is drained,
//     and when main returns the process exits, ending any Joe still talking,
//     as in 01_goroutines. The tests, in virtual time, wait until every Joe
//     has ended; synctest.Test fails if one is left blocked. At this point of
//     the talk there is no way to tell Joe to stop: the next slides,
//     08_quit_channel, show the proper way.
//   - pause is an argument, so that a test can choose exact pauses.
package main

import (
	"fmt"
	"io"
	"time"
)

// timeoutEachMessage is the slide "Timeout using select": listen to Joe
// until one message takes longer than 100ms.
func timeoutEachMessage(w io.Writer, n int, pause func() time.Duration) {
	c := boring("Joe", n, pause)
	for {
		// time.After makes a new timer each time round the loop. Since Go
		// 1.23 a timer nobody refers to any more is collected even if it never
		// fired, so this costs one small allocation per message. Use
		// time.NewTimer and Reset instead in a loop hot enough for that to
		// matter, or when you must Stop what a timer would trigger.
		select {
		case s, ok := <-c:
			if !ok { // Changed: Joe says at most n messages.
				fmt.Fprintln(w, "Joe has nothing more to say.")
				return
			}
			fmt.Fprintln(w, s)
		case <-time.After(100 * time.Millisecond): // a new timer for each message
			fmt.Fprintln(w, "You're too slow.")
			go drain(c) // Changed: lets Joe's goroutine end.
			return
		}
	}
}

// timeoutWholeConversation is the slide "Timeout for whole conversation
// using select": listen to Joe for 500ms in all.
func timeoutWholeConversation(w io.Writer, n int, pause func() time.Duration) {
	c := boring("Joe", n, pause)
	timeout := time.After(500 * time.Millisecond) // one timer, made once, for the whole loop
	for {
		select {
		case s, ok := <-c:
			if !ok { // Changed: Joe says at most n messages.
				fmt.Fprintln(w, "Joe has nothing more to say.")
				return
			}
			fmt.Fprintln(w, s)
		case <-timeout:
			fmt.Fprintln(w, "You talk too much.")
			go drain(c) // Changed: lets Joe's goroutine end.
			return
		}
	}
}

// boring returns a channel on which a new goroutine says numbered messages,
// pausing after each.
func boring(msg string, n int, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		defer close(c)     // Changed: the sender closes c when it is done, so receivers see the end.
		for i := range n { // Changed: n messages instead of for ever.
			c <- fmt.Sprintf("%s: %d", msg, i) // blocks until someone receives
			// Changed: pause is an argument, so that a test can choose it.
			time.Sleep(pause())
		}
	}()
	return c
}

// drain receives and drops what is left on c until it is closed. Once the
// listener has given up, nobody else would receive, and boring would block on
// its next send for ever. Draining lets it say its remaining messages and
// return; 08_quit_channel tells it to stop instead.
func drain(c <-chan string) {
	for range c {
	}
}
