package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// ms is n milliseconds.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// every returns a pause source that always gives d.
func every(d time.Duration) func() time.Duration {
	return func() time.Duration { return d }
}

// inTurn returns a pause source that gives ds in turn, then the last for ever.
func inTurn(ds ...time.Duration) func() time.Duration {
	return func() time.Duration {
		d := ds[0]
		if len(ds) > 1 {
			ds = ds[1:]
		}
		return d
	}
}

// listener is the shape of the two slides' mains.
type listener func(w io.Writer, n int, pause func() time.Duration, drains *sync.WaitGroup)

// listenTo runs l on Joe's pauses in a bubble and checks what it printed and
// when it returned; fault says, in the pattern's words, what a difference
// means. Then it waits for the drain: synctest.Test fails if Joe is still
// blocked after that.
func listenTo(t *testing.T, l listener, n int, pause func() time.Duration, want string, took time.Duration, fault string) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		t.Helper()
		start := time.Now()
		var out bytes.Buffer
		var drains sync.WaitGroup
		l(newStampWriter(&out), n, pause, &drains)
		if d := time.Since(start); out.String() != want || d != took {
			t.Errorf("%s\nreturned after %v, having printed:\n%s\nwant after %v:\n%s", fault, d, out.String(), took, want)
		}
		drains.Wait()
	})
}

func TestTimeoutEachMessageGivesUpOnTheFirstSlowMessage(t *testing.T) {
	t.Parallel()
	// Joe says a message, then pauses: 10ms, 20ms, then 150ms, too long.
	listenTo(t, timeoutEachMessage, 10, inTurn(ms(10), ms(20), ms(150)),
		"   0ms Joe: 0\n  10ms Joe: 1\n  30ms Joe: 2\n 130ms You're too slow.\n", ms(130),
		"main did not give up 100ms after Joe's last message: the select needs a timer of 100ms, made afresh for each message")
	// 99ms is in time, 101ms too late: the timer fires 100ms after the last message.
	listenTo(t, timeoutEachMessage, 10, inTurn(ms(99), ms(101)),
		"   0ms Joe: 0\n  99ms Joe: 1\n 199ms You're too slow.\n", ms(199),
		"a 99ms pause must be in time and a 101ms one too slow: the select needs a timer of exactly 100ms, made afresh for each message")
}

func TestTimeoutEachMessageRestartsWithEachMessage(t *testing.T) {
	t.Parallel()
	// Every message comes within 90ms, so none is too slow, though the five
	// take 450ms in all: each message gets a new timer.
	listenTo(t, timeoutEachMessage, 5, every(ms(90)),
		"   0ms Joe: 0\n  90ms Joe: 1\n 180ms Joe: 2\n 270ms Joe: 3\n 360ms Joe: 4\n 450ms Joe has nothing more to say.\n", ms(450),
		"Joe spoke every 90ms, yet main gave up: the timer must start again with each message, not once for the whole loop")
}

func TestTimeoutWholeConversationEndsAtExactly500ms(t *testing.T) {
	t.Parallel()
	// A message every 60ms, each well within any timeout for one message:
	// only the timer made before the loop ends the conversation.
	var want strings.Builder
	for i := range 9 {
		fmt.Fprintf(&want, "%4dms Joe: %d\n", 60*i, i)
	}
	listenTo(t, timeoutWholeConversation, 1000, every(ms(60)), want.String()+" 500ms You talk too much.\n", ms(500),
		"the conversation must end at 500ms however fast Joe talks: the timer is made once, before the loop")
	// And as slow as he likes: one message, then silence.
	listenTo(t, timeoutWholeConversation, 3, every(time.Hour), "   0ms Joe: 0\n 500ms You talk too much.\n", ms(500),
		"the conversation must end at 500ms however slowly Joe talks")
}

func TestListenersStopWhenJoeRunsOut(t *testing.T) {
	t.Parallel()
	const want = "   0ms Joe: 0\n  10ms Joe: 1\n  20ms Joe: 2\n  30ms Joe has nothing more to say.\n"
	const fault = "once Joe has closed his channel, main must stop listening at once"
	listenTo(t, timeoutEachMessage, 3, every(ms(10)), want, ms(30), fault)
	listenTo(t, timeoutWholeConversation, 3, every(ms(10)), want, ms(30), fault)
	listenTo(t, timeoutEachMessage, 0, every(ms(10)), "   0ms Joe has nothing more to say.\n", 0, fault)
}

func TestBoringSaysNMessagesEachWaitingForItsReceiverThenCloses(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		c := boring("Joe", 3, every(ms(10)))
		time.Sleep(ms(25)) // Joe has said nothing yet: his send waits for us
		for i, at := range []time.Duration{ms(25), ms(35), ms(45)} {
			if s := <-c; s != fmt.Sprintf("Joe: %d", i) || time.Since(start) != at {
				t.Fatalf("got %q at %v, want \"Joe: %d\" at %v: each send must wait for its receiver, then Joe pauses 10ms", s, time.Since(start), i, at)
			}
		}
		if s, ok := <-c; ok || time.Since(start) != ms(55) {
			t.Fatalf("got %q at %v, want the channel closed at 55ms, after the last pause", s, time.Since(start))
		}
	})
}

// Once main has given up, a drain takes what Joe still says, so that he says
// all his messages and ends: nobody else receives from him.
func TestJoeEndsAfterMainGivesUp(t *testing.T) {
	t.Parallel()
	for _, l := range []struct {
		name string
		l    listener
	}{{"timeoutEachMessage", timeoutEachMessage}, {"timeoutWholeConversation", timeoutWholeConversation}} {
		synctest.Test(t, func(t *testing.T) {
			const n = 5
			pauses := 0 // Joe pauses after each message: after his last, he has said all
			allSaid := make(chan struct{})
			pause := func() time.Duration {
				if pauses++; pauses == n {
					close(allSaid)
				}
				return ms(300) // too slow for either timeout
			}
			var drains sync.WaitGroup
			l.l(io.Discard, n, pause, &drains)
			select {
			case <-allSaid:
			case <-time.After(time.Hour):
				t.Fatalf("an hour after %s gave up, Joe still has not said his %d messages: "+
					"nobody receives from him, so he waits in his send for ever (is a drain started?)", l.name, n)
			}
			drains.Wait()
		})
	}
}

// BenchmarkTimeAfterInASelect is one round of timeoutEachMessage's loop with
// a message ready: what each message costs for its new timer.
func BenchmarkTimeAfterInASelect(b *testing.B) {
	b.ReportAllocs()
	c := make(chan string, 1)
	for b.Loop() {
		c <- "Joe: 0"
		select {
		case <-c:
		case <-time.After(100 * time.Millisecond):
			b.Fatal("the timer fired before a ready message")
		}
	}
}
