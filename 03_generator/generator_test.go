package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// pausesOf returns a pause source that gives the pauses ms in turn, in
// milliseconds.
func pausesOf(ms ...int) func() time.Duration {
	return func() time.Duration {
		d := time.Duration(ms[0]) * time.Millisecond
		ms = ms[1:]
		return d
	}
}

// Both generators return their channel at once (a receive-only one: gen's
// type says so); each pause comes before its message, and the channel closes
// the moment the last message is taken, not a pause later.
func TestGeneratorPausesThenSendsThenCloses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		gen  func(string, int, func() time.Duration) <-chan string
		want []string
	}{
		{"boring", boring, []string{"10ms Joe 0", "30ms Joe 1", "60ms Joe 2"}},
		{"boring2", boring2, []string{"10ms Joe: 0", "30ms Joe: 1", "60ms Joe: 2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				c := tc.gen("Joe", 3, pausesOf(10, 20, 30))
				if d := time.Since(start); d != 0 {
					t.Errorf("%s returned its channel after %v, want at once: the goroutine inside does the work", tc.name, d)
				}
				var got []string
				var closedAt time.Duration
				done := make(chan struct{})
				go func() {
					for s := range c {
						got = append(got, fmt.Sprint(time.Since(start), " ", s))
					}
					closedAt = time.Since(start)
					close(done)
				}()
				select {
				case <-done:
				case <-time.After(time.Hour):
					t.Fatalf("%s never closed its channel after its 3 messages: a caller's range over it waits for ever", tc.name)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("received %q, want %q: each message after its pause", got, tc.want)
				}
				if closedAt != 60*time.Millisecond {
					t.Errorf("%s closed its channel at %v, want 60ms, the moment its last message was taken", tc.name, closedAt)
				}
			})
		})
	}
}

// Each generator's send waits for its receiver: one that nobody is receiving
// from stops at its first message, and its next pause starts only when that
// message is taken. (With a buffer it would pause ahead, and the second
// message would come at once.)
func TestGeneratorWaitsForItsReceiver(t *testing.T) {
	t.Parallel()
	for name, gen := range map[string]func(string, int, func() time.Duration) <-chan string{"boring": boring, "boring2": boring2} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := gen("Joe", 2, pausesOf(10, 10))
				time.Sleep(100 * time.Millisecond) // main is busy; Joe is ready at 10ms
				start := time.Now()
				<-c
				<-c
				if d := time.Since(start); d != 10*time.Millisecond {
					t.Errorf("%s's second message came %v after main took the first, want 10ms: its send waits until main receives, and its next pause starts only then", name, d)
				}
				for range c {
				}
			})
		})
	}
}

// Two services, heard in turn: whoever is ready first waits, blocked on its
// send, until main comes to it, and starts its next pause only then.
func TestJoeAndAnnSpeakInLockstep(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		joe, ann func() time.Duration
		want     string
	}{{
		// Joe is ready with "Joe: 1" at 15ms but main hears him only at
		// 30ms, after Ann; his 50ms pause starts then, so "Joe: 2" comes at
		// 80ms. On a buffered channel he would drop "Joe: 1" in at 15ms,
		// pause at once, and "Joe: 2" would come at 65ms.
		"Joe waits on his send", pausesOf(10, 5, 50), pausesOf(30, 10, 10), `
  10ms Joe: 0
  30ms Ann: 0
  30ms Joe: 1
  40ms Ann: 1
  80ms Joe: 2
  80ms Ann: 2
  80ms You're both boring; I'm leaving.`,
	}, {
		// Ann is ready every 10ms, yet never speaks before Joe.
		"Ann ten times faster", pausesOf(100, 100, 100), pausesOf(10, 10, 10), `
 100ms Joe: 0
 100ms Ann: 0
 200ms Joe: 1
 200ms Ann: 1
 300ms Joe: 2
 300ms Ann: 2
 300ms You're both boring; I'm leaving.`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var out bytes.Buffer
				services(newStampWriter(&out), 3, tc.joe, tc.ann)
				if got, want := out.String(), strings.TrimPrefix(tc.want, "\n")+"\n"; got != want {
					t.Errorf("main heard:\n%s\nwant Joe and Ann in lockstep, whoever is ready first waiting on its send until main comes to it:\n%s", got, want)
				}
			})
		})
	}
}
