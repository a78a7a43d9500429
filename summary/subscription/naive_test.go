//go:build naive

// The naive loop's bugs, observed. Without the race detector these tests
// pass: they watch bugs 2 and 3 happen in virtual time, then let the loop go
// so that nothing leaks:
//
//	go test -tags naive -run Naive -v ./summary/subscription
//
// With it, the same tests fail with "WARNING: DATA RACE" on s.closed and
// s.err, which is bug 1:
//
//	go test -race -tags naive -run Naive ./summary/subscription

package main

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

func TestNaiveBug1CloseAndLoopShareClosedAndErr(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("boom")
		s := NaiveSubscribe(newScripted(fetchStep{err: boom}))
		time.Sleep(ms(100)) // the loop wrote s.err and sleeps; nothing orders that before Close's read
		if err := s.Close(); err != boom {
			t.Errorf("Close = %v, want %v", err, boom)
		}
		if _, ok := <-s.Updates(); ok { // the loop reads s.closed when its 1s sleep ends
			t.Error("Updates delivered an item after Close")
		}
	})
}

func TestNaiveBug2SleepKeepsLoopRunningAfterClose(t *testing.T) {
	for _, tc := range []struct {
		name string
		step fetchStep
		ends time.Duration // when the loop's sleep ends
	}{
		{"until next", fetchStep{items: items("a", 1), after: ms(500)}, ms(500)},
		{"after an error", fetchStep{err: errors.New("boom")}, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				f := newScripted(tc.step)
				s := NaiveSubscribe(f)
				for range tc.step.items {
					receive(t, s)
				}
				time.Sleep(ms(100))
				s.Close()
				nothingReady(t, s) // Close has returned, and the loop has not noticed
				if _, ok := <-s.Updates(); ok {
					t.Fatal("Updates delivered an item after Close")
				}
				if d := time.Since(start); d != tc.ends {
					t.Errorf("the loop closed Updates at %v, want %v: when its sleep ended, not at Close (100ms)", d, tc.ends)
				}
				if n := len(f.callTimes()); n != 1 {
					t.Errorf("%d fetches, want 1", n)
				}
			})
		})
	}
}

func TestNaiveBug3LoopBlocksForeverOnSend(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newScripted(fetchStep{items: items("a", 1, 2), after: ms(10)})
		s := NaiveSubscribe(f)
		receive(t, s) // the consumer takes one item, then closes
		s.Close()
		time.Sleep(time.Hour)
		// The loop would have fetched again at 10ms; it is still on its send.
		if n := len(f.callTimes()); n != 1 {
			t.Errorf("%d fetches in an hour, want 1: the loop is stuck on its send", n)
		}
		// Release it: receive what it has been trying to send for an hour
		// (after Close, and with Updates still open).
		if it := receive(t, s); it != items("a", 2)[0] {
			t.Fatalf("got %v, want a/2", it)
		}
		if _, ok := <-s.Updates(); ok { // now it sees closed and closes Updates
			t.Fatal("Updates delivered another item")
		}
	})
}
