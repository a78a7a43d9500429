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
			cs = append(cs, boringContext(ctx, fmt.Sprint("S", i), every(time.Duration(i+1)*ms)))
		}
		for _, c := range cs {
			<-c // each has spoken once
		}
		// S0 to S4 spoke at 1 to 5ms. At 7ms S0 to S2 are blocked on a send,
		// S3 and S4 are mid-pause (until 8 and 10ms).
		time.Sleep(2 * ms)
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

func TestCancelStopsEveryoneShowsBothStopping(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		begin := time.Now()
		var out bytes.Buffer
		cancelStopsEveryone(&out, every(10*ms), every(15*ms))
		const want = "Joe: 0\nAnn: 0\nJoe: 1\nAnn: 1\nmain: cancel(); Joe and Ann have both stopped and closed their channels.\n"
		if out.String() != want {
			t.Fatalf("printed:\n%s\nwant:\n%s", out.String(), want)
		}
		// Ann's second message comes at 30ms; cancel follows at once and
		// both channels are closed with no more time passing.
		if took := time.Since(begin); took != 30*ms {
			t.Fatalf("took %v, want 30ms", took)
		}
	})
}

func TestCloseReturnsTheCleanupsErrorAfterTheCleanup(t *testing.T) {
	for _, want := range []error{nil, errors.New("disk full")} {
		synctest.Test(t, func(t *testing.T) {
			cleaned := false
			s := newSpeaker("Joe", every(10*ms), func() error {
				time.Sleep(5 * ms) // a slow cleanup
				cleaned = true
				return want
			})
			if got := <-s.C; got != "Joe: 0" {
				t.Fatalf("got %q, want \"Joe: 0\"", got)
			}
			begin := time.Now()
			if err := s.Close(); err != want {
				t.Fatalf("Close() = %v, want %v", err, want)
			}
			if !cleaned || time.Since(begin) != 5*ms {
				t.Fatalf("Close returned after %v (cleaned up: %t), want after the 5ms cleanup", time.Since(begin), cleaned)
			}
			checkNothingMore(t, s.C, false)
		})
	}
}

func TestCloseReturnsTheErrorShowsIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		closeReturnsTheError(&out, every(10*ms), func() error { return errors.New("disk full") })
		if want := "Joe: 0\nJoe: 1\nmain: Close() returned disk full\n"; out.String() != want {
			t.Fatalf("printed:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}
