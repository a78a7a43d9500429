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
// when it returned. Then it waits for the drain: synctest.Test fails if Joe is
// still blocked after that.
func listenTo(t *testing.T, l listener, n int, pause func() time.Duration, want string, took time.Duration) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		t.Helper()
		start := time.Now()
		var out bytes.Buffer
		var drains sync.WaitGroup
		l(newStampWriter(&out), n, pause, &drains)
		if d := time.Since(start); out.String() != want || d != took {
			t.Errorf("returned after %v, having printed:\n%s\nwant after %v:\n%s", d, out.String(), took, want)
		}
		drains.Wait()
	})
}

func TestTimeoutEachMessageGivesUpOnTheFirstSlowMessage(t *testing.T) {
	t.Parallel()
	// Joe says a message, then pauses: 10ms, 20ms, then 150ms, too long.
	listenTo(t, timeoutEachMessage, 10, inTurn(ms(10), ms(20), ms(150)),
		"   0ms Joe: 0\n  10ms Joe: 1\n  30ms Joe: 2\n 130ms You're too slow.\n", ms(130))
	// 99ms is in time, 101ms too late: the timer fires 100ms after the last message.
	listenTo(t, timeoutEachMessage, 10, inTurn(ms(99), ms(101)),
		"   0ms Joe: 0\n  99ms Joe: 1\n 199ms You're too slow.\n", ms(199))
}

func TestTimeoutEachMessageRestartsWithEachMessage(t *testing.T) {
	t.Parallel()
	// Every message comes within 90ms, so none is too slow, though the five
	// take 450ms in all: each message gets a new timer.
	listenTo(t, timeoutEachMessage, 5, every(ms(90)),
		"   0ms Joe: 0\n  90ms Joe: 1\n 180ms Joe: 2\n 270ms Joe: 3\n 360ms Joe: 4\n 450ms Joe has nothing more to say.\n", ms(450))
}

func TestTimeoutWholeConversationEndsAtExactly500ms(t *testing.T) {
	t.Parallel()
	// A message every 60ms, each well within any timeout for one message:
	// only the timer made before the loop ends the conversation.
	var want strings.Builder
	for i := range 9 {
		fmt.Fprintf(&want, "%4dms Joe: %d\n", 60*i, i)
	}
	listenTo(t, timeoutWholeConversation, 1000, every(ms(60)), want.String()+" 500ms You talk too much.\n", ms(500))
	// And as slow as he likes: one message, then silence.
	listenTo(t, timeoutWholeConversation, 3, every(time.Hour), "   0ms Joe: 0\n 500ms You talk too much.\n", ms(500))
}

func TestListenersStopWhenJoeRunsOut(t *testing.T) {
	t.Parallel()
	const want = "   0ms Joe: 0\n  10ms Joe: 1\n  20ms Joe: 2\n  30ms Joe has nothing more to say.\n"
	listenTo(t, timeoutEachMessage, 3, every(ms(10)), want, ms(30))
	listenTo(t, timeoutWholeConversation, 3, every(ms(10)), want, ms(30))
	listenTo(t, timeoutEachMessage, 0, every(ms(10)), "   0ms Joe has nothing more to say.\n", 0)
}

func TestBoringSaysNMessagesEachWaitingForItsReceiverThenCloses(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		c := boring("Joe", 3, every(ms(10)))
		time.Sleep(ms(25)) // Joe has said nothing yet: his send waits for us
		for i, at := range []time.Duration{ms(25), ms(35), ms(45)} {
			if s := <-c; s != fmt.Sprintf("Joe: %d", i) || time.Since(start) != at {
				t.Fatalf("got %q at %v, want \"Joe: %d\" at %v", s, time.Since(start), i, at)
			}
		}
		if s, ok := <-c; ok || time.Since(start) != ms(55) {
			t.Fatalf("got %q at %v, want the channel closed at 55ms, after the last pause", s, time.Since(start))
		}
	})
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
