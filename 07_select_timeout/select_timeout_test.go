package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// fixed returns a pause source that pauses ds in turn, then the last one for
// ever.
func fixed(ds ...time.Duration) func() time.Duration {
	return func() time.Duration {
		d := ds[0]
		if len(ds) > 1 {
			ds = ds[1:]
		}
		return d
	}
}

const ms = time.Millisecond

// listen runs one of the slides' mains with a stamped writer and checks what
// it printed and how much virtual time it took. Then it waits, in virtual
// time, for Joe to say the rest of his messages to the drain: synctest.Test
// fails if his goroutine is still blocked after that.
func listen(t *testing.T, main func(w *stampWriter), wantOut string, wantTook time.Duration) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		t.Helper()
		start := time.Now()
		out := capped{t: t}
		main(stamped(&out))
		if took := time.Since(start); out.String() != wantOut || took != wantTook {
			t.Errorf("after %v:\n%s\nwant after %v:\n%s", took, out.String(), wantTook, wantOut)
		}
		joeFinishes()
	})
}

// capped collects a listener's output and fails the test once it passes 2000
// lines, so that a listener that never stops fails at once instead of
// hanging the test.
type capped struct {
	t *testing.T
	bytes.Buffer
	lines int
}

func (c *capped) Write(p []byte) (int, error) {
	if c.lines += bytes.Count(p, []byte("\n")); c.lines > 2000 {
		c.t.Fatal("more than 2000 lines: the listener does not stop")
	}
	return c.Buffer.Write(p)
}

// joeFinishes sleeps long enough, in virtual time, for any Joe in these tests
// to say his last message to the drain and return: at most 1000 messages an
// hour apart.
func joeFinishes() { time.Sleep(1001 * time.Hour) }

func TestTimeoutEachMessageGivesUpOnTheFirstSlowMessage(t *testing.T) {
	// Joe says a message, then pauses: 10ms, 20ms, then 150ms, too long.
	listen(t, func(w *stampWriter) { timeoutEachMessage(w, 10, fixed(10*ms, 20*ms, 150*ms)) },
		"   0ms Joe: 0\n  10ms Joe: 1\n  30ms Joe: 2\n 130ms You're too slow.\n", 130*ms)
}

func TestTimeoutEachMessageIsExactly100ms(t *testing.T) {
	// 98ms is in time, 101ms is too late: the timeout fires 100ms after the
	// last message, not at 99 or 101.
	listen(t, func(w *stampWriter) { timeoutEachMessage(w, 10, fixed(98*ms, 101*ms)) },
		"   0ms Joe: 0\n  98ms Joe: 1\n 198ms You're too slow.\n", 198*ms)
}

func TestTimeoutEachMessageRestartsWithEachMessage(t *testing.T) {
	// Every message comes within 90ms, so none is too slow, though the five
	// take 450ms in all: each message gets a new timer.
	listen(t, func(w *stampWriter) { timeoutEachMessage(w, 5, fixed(90*ms)) },
		"   0ms Joe: 0\n  90ms Joe: 1\n 180ms Joe: 2\n 270ms Joe: 3\n 360ms Joe: 4\n 450ms Joe has nothing more to say.\n",
		450*ms)
}

func TestTimeoutWholeConversationEndsAtExactly500ms(t *testing.T) {
	// A message every 60ms, each well within any per-message timeout: only
	// the one timer made before the loop ends the conversation.
	var want strings.Builder
	for i := range 9 {
		fmt.Fprintf(&want, "%4dms Joe: %d\n", 60*i, i)
	}
	want.WriteString(" 500ms You talk too much.\n")
	listen(t, func(w *stampWriter) { timeoutWholeConversation(w, 1000, fixed(60*ms)) }, want.String(), 500*ms)
}

func TestTimeoutWholeConversationHowEverJoeTalks(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pause    func() time.Duration
		messages int
	}{
		{"a message every 3ms", fixed(3 * ms), 167},
		{"one message, then silence", fixed(time.Hour), 1},
		{"a message at 0 and 499ms", fixed(499*ms, time.Hour), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				var out bytes.Buffer
				timeoutWholeConversation(stamped(&out), 1000, tc.pause)
				if d := time.Since(start); d != 500*ms {
					t.Errorf("ended after %v, want exactly 500ms", d)
				}
				lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
				if last := lines[len(lines)-1]; last != " 500ms You talk too much." {
					t.Errorf("last line %q, want the timeout at 500ms", last)
				}
				if got := len(lines) - 1; got != tc.messages {
					t.Errorf("heard %d messages, want %d", got, tc.messages)
				}
				joeFinishes()
			})
		})
	}
}

func TestTimeoutWholeConversationHearsEveryMessageBeforeTheDeadline(t *testing.T) {
	for seed := range uint64(20) {
		// main is always listening, so Joe's messages come at the running
		// sums of his pauses; replay the same seeded pauses to predict them.
		var want strings.Builder
		replay := pauses(seed+1, 2)
		var at time.Duration
		i := 0
		for ; at < 500*ms && i < 12; i++ {
			fmt.Fprintf(&want, "%4dms Joe: %d\n", at.Milliseconds(), i)
			at += replay()
		}
		switch {
		case at == 500*ms:
			t.Fatalf("seed %d: Joe speaks or closes at 500ms, when the timer fires: either may win", seed+1)
		case at < 500*ms:
			fmt.Fprintf(&want, "%4dms Joe has nothing more to say.\n", at.Milliseconds())
		default:
			want.WriteString(" 500ms You talk too much.\n")
		}
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			timeoutWholeConversation(stamped(&out), 12, pauses(seed+1, 2))
			if out.String() != want.String() {
				t.Errorf("seed %d: output:\n%s\nwant:\n%s", seed+1, out.String(), want.String())
			}
			joeFinishes()
		})
	}
}

func TestListenersStopWhenJoeRunsOut(t *testing.T) {
	const want = "   0ms Joe: 0\n  10ms Joe: 1\n  20ms Joe: 2\n  30ms Joe has nothing more to say.\n"
	listen(t, func(w *stampWriter) { timeoutEachMessage(w, 3, fixed(10*ms)) }, want, 30*ms)
	listen(t, func(w *stampWriter) { timeoutWholeConversation(w, 3, fixed(10*ms)) }, want, 30*ms)
	listen(t, func(w *stampWriter) { timeoutEachMessage(w, 0, fixed(10*ms)) }, "   0ms Joe has nothing more to say.\n", 0)
}

func TestBoringSaysNMessagesEachWaitingForItsReceiverThenCloses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		c := boring("Joe", 3, fixed(10*ms))
		time.Sleep(25 * ms) // Joe has said nothing yet: his send waits for us
		for i, at := range []time.Duration{25 * ms, 35 * ms, 45 * ms} {
			s := <-c
			if want := fmt.Sprintf("Joe: %d", i); s != want || time.Since(start) != at {
				t.Fatalf("got %q at %v, want %q at %v", s, time.Since(start), want, at)
			}
		}
		if s, ok := <-c; ok || time.Since(start) != 55*ms {
			t.Fatalf("got %q at %v, want the channel closed at 55ms, after the last pause", s, time.Since(start))
		}
	})
}

func TestPausesAreWholeMillisecondsUnder150(t *testing.T) {
	p := pauses(1, 1)
	lo, hi := time.Hour, time.Duration(0)
	for range 10_000 {
		d := p()
		if d%ms != 0 {
			t.Fatalf("pause %v is not a whole number of milliseconds", d)
		}
		lo, hi = min(lo, d), max(hi, d)
	}
	// 10,000 draws from 150 values: each bound is missed with odds below 1e-28.
	if lo != 0 || hi != 149*ms {
		t.Fatalf("pauses ranged over [%v, %v], want [0, 149ms]", lo, hi)
	}
}

func TestPauseStreamsDiffer(t *testing.T) {
	a, b := pauses(7, 1), pauses(7, 2)
	same := 0
	for range 100 {
		if a() == b() {
			same++
		}
	}
	if same > 10 { // about 1 in 150 would match by chance
		t.Fatalf("streams 1 and 2 of one seed agreed on %d of 100 pauses", same)
	}
}
