package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
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

// checkNothingMore fails if anything more comes from c, a channel whose
// speaker has been told to stop. A speaker that closes its channel must have
// closed it by now: the receive waits for the close, and the caller checks
// that no virtual time passed.
func checkNothingMore(t *testing.T, c <-chan string, closes bool) {
	t.Helper()
	if closes {
		if s, ok := <-c; ok {
			t.Fatalf("received %q after the speaker was told to stop", s)
		}
		return
	}
	synctest.Wait()
	select {
	case s, ok := <-c:
		t.Fatalf("received %q (open: %t) after the speaker was told to stop", s, ok)
	default:
	}
}

// joeHeard returns what main prints for count messages: Joe: 0 to Joe: count-1.
func joeHeard(count int) string {
	var b strings.Builder
	for i := range count {
		fmt.Fprintf(&b, "Joe: %d\n", i)
	}
	return b.String()
}

func TestQuitChannelListensOneToTenTimesThenQuits(t *testing.T) {
	counts := map[int]bool{}
	for seed := range uint64(60) {
		// main listens 1 + IntN(10) times, like the talk's loop from
		// rand.Intn(10) down to 0; replay its source to know how many.
		count := 1 + rand.New(rand.NewPCG(seed, 0)).IntN(10)
		counts[count] = true
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			var out bytes.Buffer
			done := make(chan struct{})
			go func() {
				quitChannel(&out, rand.New(rand.NewPCG(seed, 0)), every(ms(10)))
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(time.Hour):
				t.Fatalf("seed %d: an hour later, main's quit <- true has still not been taken: "+
					"Joe's select needs a case that receives from quit", seed)
			}
			if out.String() != joeHeard(count) {
				t.Fatalf("seed %d: main printed:\n%s\nwant %d messages:\n%s", seed, out.String(), count, joeHeard(count))
			}
			// Joe sends each message after a 10ms pause; after the last one
			// main sends on quit, which Joe takes after his next pause.
			took, want := time.Since(start), time.Duration(count+1)*ms(10)
			if took < want {
				t.Fatalf("seed %d: quitChannel returned at %v, right after Joe's last message, without waiting "+
					"for him to take quit (at %v): Joe was never told to stop", seed, took, want)
			}
			if took != want {
				t.Fatalf("seed %d: quit was taken at %v, want %v, when Joe's pause ends", seed, took, want)
			}
			// synctest.Test fails if Joe has not returned.
		})
	}
	if len(counts) != 10 {
		t.Fatalf("60 seeds gave the counts %v, want each of 1 to 10", counts)
	}
}

// stopWithin calls stop and fails the test if it has not returned an hour
// later: the speaker never took the request to stop.
func stopWithin(t *testing.T, name string, stop func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		stop()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Hour):
		t.Fatalf("%s: an hour later, stopping Joe has not returned: he never took the request to stop", name)
	}
}

// A speaker is one of the four ways to start Joe, with the way to stop him.
type speaker struct {
	name  string
	start func(pause func() time.Duration) (c <-chan string, stop func())
	// stopsMidPause: told to stop during a pause, the speaker stops at once;
	// the talk's boring (quit.go, rcvquit.go) first finishes its pause.
	stopsMidPause bool
	closes        bool // the speaker closes its channel when it stops
}

func speakers() []speaker {
	return []speaker{
		{"boring", func(p func() time.Duration) (<-chan string, func()) {
			quit := make(chan bool)
			return boring("Joe", quit, p), func() { quit <- true }
		}, false, false},
		{"boringRoundTrip", func(p func() time.Duration) (<-chan string, func()) {
			quit := make(chan string)
			c := boringRoundTrip("Joe", quit, p, func() {})
			return c, func() {
				quit <- "Bye!"
				<-quit
			}
		}, false, false},
		{"boringContext", func(p func() time.Duration) (<-chan string, func()) {
			ctx, cancel := context.WithCancel(context.Background())
			return boringContext(ctx, "Joe", p), cancel
		}, true, true},
		{"Speaker", func(p func() time.Duration) (<-chan string, func()) {
			s := newSpeaker("Joe", p, func() error { return nil })
			return s.C, func() {
				if err := s.Close(); err != nil {
					panic(err) // the cleanup returns nil
				}
			}
		}, true, false},
	}
}

func TestEachSendWaitsForItsReceiver(t *testing.T) {
	for _, sp := range speakers() {
		t.Run(sp.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				begin := time.Now()
				c, stop := sp.start(every(ms(10)))
				time.Sleep(ms(25)) // Joe has been waiting to send since 10ms
				for i, at := range []time.Duration{ms(25), ms(35)} {
					if s := <-c; s != fmt.Sprintf("Joe: %d", i) || time.Since(begin) != at {
						t.Fatalf("got %q at %v, want \"Joe: %d\" at %v: each send waits for its receive", s, time.Since(begin), i, at)
					}
				}
				stopWithin(t, sp.name, stop)
			})
		})
	}
}

func TestStoppedWhileBlockedOnASendJoeSendsNothingMore(t *testing.T) {
	for _, sp := range speakers() {
		t.Run(sp.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				begin := time.Now()
				c, stop := sp.start(every(ms(10)))
				<-c
				<-c
				time.Sleep(ms(15)) // Joe has been blocked on sending "Joe: 2" since 30ms
				stopWithin(t, sp.name, stop)
				checkNothingMore(t, c, sp.closes) // and synctest.Test fails if Joe has not returned
				if took := time.Since(begin); took != ms(35) {
					t.Fatalf("Joe stopped at %v, want at once (35ms): he was ready", took)
				}
			})
		})
	}
}

func TestStoppedMidPause(t *testing.T) {
	for _, sp := range speakers() {
		t.Run(sp.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				begin := time.Now()
				c, stop := sp.start(every(ms(10)))
				<-c               // at 10ms; Joe pauses until 20ms
				time.Sleep(ms(3)) // 13ms
				stopWithin(t, sp.name, stop)
				want := ms(20) // the talk's boring sleeps, then selects
				if sp.stopsMidPause {
					want = ms(13)
				}
				checkNothingMore(t, c, sp.closes)
				if took := time.Since(begin); took != want {
					t.Fatalf("told to stop at 13ms, mid-pause, Joe stopped at %v, want %v "+
						"(the talk's boring finishes its pause, then selects; a speaker that listens while it pauses stops at once)", took, want)
				}
			})
		})
	}
}

func TestReceiveOnQuitWaitsForTheCleanup(t *testing.T) {
	for seed := range uint64(10) {
		count := 1 + rand.New(rand.NewPCG(seed, 0)).IntN(10)
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			var out bytes.Buffer
			cleaned, done := make(chan struct{}), make(chan struct{})
			go func() {
				receiveOnQuit(&out, rand.New(rand.NewPCG(seed, 0)), every(ms(10)), func() {
					time.Sleep(ms(30)) // a slow cleanup
					out.WriteString("cleaned up\n")
					close(cleaned)
				})
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(time.Hour):
				select {
				case <-cleaned:
					t.Fatalf("seed %d: Joe cleaned up, but an hour later main still waits on quit for his answer: "+
						"Joe must answer before he returns", seed)
				default:
					t.Fatalf("seed %d: an hour later, Joe has still not taken main's Bye! from quit", seed)
				}
			}
			want := joeHeard(count) + "cleaned up\nJoe says: \"See you!\"\n"
			if out.String() != want {
				t.Fatalf("seed %d: main printed:\n%s\nwant:\n%s", seed, out.String(), want)
			}
			// Joe takes "Bye!" after the pause that follows the last message
			// main heard, cleans up for 30ms, then answers.
			if took, want := time.Since(start), time.Duration(count+1)*ms(10)+ms(30); took != want {
				t.Fatalf("seed %d: the answer came at %v, want %v, after Joe's pause and his 30ms cleanup", seed, took, want)
			}
		})
	}
}
