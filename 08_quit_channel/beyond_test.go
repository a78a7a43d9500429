package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"
)

func TestOneCancelStopsEverySpeakerSharingTheContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// context.Background, not t.Context: the test's own cancel is the
		// only thing that may stop the speakers.
		ctx, cancel := context.WithCancel(context.Background())
		var cs []<-chan string
		for i := range 5 {
			cs = append(cs, boringContext(ctx, fmt.Sprint("S", i), every(ms(i+1))))
		}
		for _, c := range cs {
			<-c // each has spoken once
		}
		// S0 to S4 spoke at 1 to 5ms. At 7ms S0 to S2 are blocked on a send,
		// S3 and S4 are mid-pause (until 8 and 10ms).
		time.Sleep(ms(2))
		begin := time.Now()
		cancel() // one call, five speakers
		for i, c := range cs {
			if s, ok := <-c; ok {
				t.Fatalf("speaker %d sent %q after cancel, want its channel closed", i, s)
			}
		}
		if took := time.Since(begin); took != 0 {
			t.Fatalf("the speakers stopped %v after cancel, want at once", took)
		}
	})
}

// atMost returns a pause source that pauses d; asked for more than n pauses,
// it fails the test and calls stop, so that a speaker who was not stopped
// stops now instead of hanging the test.
func atMost(t *testing.T, n int, d time.Duration, stop context.CancelFunc) func() time.Duration {
	limit := n
	return func() time.Duration {
		if n == 0 {
			t.Errorf("a speaker still talks after %d pauses: cancel() did not stop him", limit)
			stop()
		}
		n--
		return d
	}
}

func TestCancelStopsEveryoneShowsBothStopping(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		begin := time.Now()
		var out bytes.Buffer
		// If cancel did not stop them, Joe and Ann would talk for ever and
		// main would never leave its loops: after 10 pauses atMost cancels
		// the context that cancelStopsEveryone's is made from.
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		done := make(chan struct{})
		go func() {
			cancelStopsEveryone(ctx, &out, atMost(t, 10, ms(10), stop), atMost(t, 10, ms(15), stop))
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(time.Hour):
			t.Fatal("an hour after cancel(), main's range over Joe's or Ann's channel has not ended: " +
				"a speaker that stops must close its channel, or a range over it waits for ever")
		}
		const want = "Joe: 0\nAnn: 0\nJoe: 1\nAnn: 1\nmain: cancel(); Joe and Ann have both stopped and closed their channels.\n"
		if out.String() != want {
			t.Fatalf("printed:\n%s\nwant:\n%s", out.String(), want)
		}
		// Ann's second message comes at 30ms; cancel follows at once and
		// both channels are closed with no more time passing.
		if took := time.Since(begin); took != ms(30) {
			t.Fatalf("took %v, want 30ms", took)
		}
	})
}

func TestCloseReturnsTheCleanupsErrorAfterTheCleanup(t *testing.T) {
	for _, want := range []error{nil, errors.New("disk full")} {
		// Joe speaks at 10ms, then pauses until 20ms and waits to send.
		// Closed at 13ms he is mid-pause; at 25ms, blocked on a send.
		for _, closeAt := range []time.Duration{ms(13), ms(25)} {
			synctest.Test(t, func(t *testing.T) {
				begin := time.Now()
				cleaned := false
				s := newSpeaker("Joe", every(ms(10)), func() error {
					time.Sleep(ms(5)) // a slow cleanup
					cleaned = true
					return want
				})
				if got := <-s.C; got != "Joe: 0" {
					t.Fatalf("got %q, want \"Joe: 0\"", got)
				}
				time.Sleep(closeAt - ms(10))
				if err := s.Close(); err != want {
					t.Fatalf("closed at %v: Close() = %v, want %v", closeAt, err, want)
				}
				if took := time.Since(begin); !cleaned || took != closeAt+ms(5) {
					t.Fatalf("closed at %v: Close returned at %v (cleaned up: %t), want after the 5ms cleanup", closeAt, took, cleaned)
				}
				checkNothingMore(t, s.C, false)
			})
		}
	}
}

func TestCloseReturnsTheErrorShowsIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		closeReturnsTheError(&out, every(ms(10)), func() error { return errors.New("disk full") })
		if want := "Joe: 0\nJoe: 1\nmain: Close() returned the cleanup's error: disk full\n"; out.String() != want {
			t.Fatalf("printed:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}
