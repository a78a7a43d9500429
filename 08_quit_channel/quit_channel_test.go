package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// every returns a pause source that always pauses d.
func every(d time.Duration) func() time.Duration {
	return func() time.Duration { return d }
}

// checkSilent fails if anything can be received from c now.
func checkSilent(t *testing.T, c <-chan string) {
	t.Helper()
	synctest.Wait()
	select {
	case s, ok := <-c:
		if ok {
			t.Fatalf("received %q after the speaker was told to stop", s)
		}
	default:
	}
}

func TestAfterQuitTheProducerSendsNothingMore(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		quit := make(chan bool)
		c := boring("Joe", quit, every(10*time.Millisecond))
		for i := range 3 {
			if got, want := <-c, fmt.Sprintf("Joe: %d", i); got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
		}
		quit <- true
		time.Sleep(time.Second) // plenty of time to speak, were boring still running
		checkSilent(t, c)
	})
}

func TestQuitMidPauseEndsPromptly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		quit := make(chan bool)
		boring("Joe", quit, every(time.Hour))
		start := time.Now()
		time.Sleep(time.Millisecond)
		quit <- true // boring is an hour from its next message
		if d := time.Since(start); d != time.Millisecond {
			t.Fatalf("quit took until %v, want at once (1ms)", d)
		}
	})
}

func TestRoundTripWaitsForTheCleanup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		quit := make(chan string)
		cleaned := false
		c := boringRoundTrip("Joe", quit, every(10*time.Millisecond), func() {
			time.Sleep(30 * time.Millisecond) // a slow cleanup
			cleaned = true
		})
		<-c
		start := time.Now()
		quit <- "Bye!"
		if got := <-quit; got != "See you!" {
			t.Fatalf("Joe says %q, want \"See you!\"", got)
		}
		// Receiving the answer happens after the cleanup: no race, no sleep.
		if !cleaned {
			t.Fatal("the answer came before the cleanup finished")
		}
		if d := time.Since(start); d != 30*time.Millisecond {
			t.Fatalf("the answer came after %v, want exactly the cleanup's 30ms", d)
		}
		checkSilent(t, c)
	})
}

func TestCancelStopsEverySpeakerSharingTheContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		var speakers []<-chan string
		for i := range 5 {
			speakers = append(speakers, boringContext(ctx, fmt.Sprint("S", i), every(time.Duration(i+1)*time.Millisecond)))
		}
		for _, c := range speakers {
			<-c // each has spoken once; some are now mid-pause, some blocked sending
		}
		time.Sleep(3 * time.Millisecond)
		cancel() // one call, five speakers
		synctest.Wait()
		for i, c := range speakers {
			if s, ok := <-c; ok {
				t.Fatalf("speaker %d sent %q after cancel, want its channel closed", i, s)
			}
		}
	})
}

func TestCloseReturnsTheCleanupsError(t *testing.T) {
	for _, want := range []error{nil, errors.New("disk full")} {
		synctest.Test(t, func(t *testing.T) {
			cleaned := false
			s := newSpeaker("Joe", every(10*time.Millisecond), func() error {
				cleaned = true
				return want
			})
			if got := <-s.C; got != "Joe: 0" {
				t.Fatalf("got %q, want \"Joe: 0\"", got)
			}
			if err := s.Close(); err != want {
				t.Fatalf("Close() = %v, want %v", err, want)
			}
			if !cleaned {
				t.Fatal("Close returned before the cleanup ran")
			}
			checkSilent(t, s.C)
		})
	}
}

func TestCloseMidPauseEndsPromptly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSpeaker("Joe", every(time.Hour), func() error { return nil })
		start := time.Now()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 0 {
			t.Fatalf("Close took %v of virtual time, want none", d)
		}
	})
}

func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if err := run(&out, []string{"-seed", "1"}); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		for _, want := range []string{
			"Joe: 0\n",
			"main: quit <- true\n",
			"Joe: cleaning up\nJoe says: \"See you!\"\n",
			"Joe: 0\nAnn: 0\nJoe: 1\nAnn: 1\nmain: cancel(); Joe and Ann have both stopped",
			"Joe: 0\nJoe: 1\nmain: Close() returned \"could not flush the notes\"\n",
		} {
			if !strings.Contains(s, want) {
				t.Errorf("output lacks %q:\n%s", want, s)
			}
		}
	})
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-seed", "x"}, "invalid value"},
		{[]string{"-nope"}, "not defined"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		err := run(&bytes.Buffer{}, tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run(%q) = %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
	if err := run(&bytes.Buffer{}, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run(-h) = %v, want flag.ErrHelp", err)
	}
}
