package main

import (
	"bytes"
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

func TestGeneratorSendsInOrderThenCloses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		c := boring("Joe", 4, every(10*time.Millisecond))
		for i := range 4 {
			got := <-c
			if want := fmt.Sprintf("Joe %d", i); got != want {
				t.Fatalf("message %q, want %q", got, want)
			}
			if at, want := time.Since(start), time.Duration(i+1)*10*time.Millisecond; at != want {
				t.Fatalf("%q arrived at %v, want %v", got, at, want)
			}
		}
		if s, ok := <-c; ok {
			t.Fatalf("received %q after the last message, want a closed channel", s)
		}
		if at := time.Since(start); at != 40*time.Millisecond {
			t.Fatalf("closed at %v, want right after the last message at 40ms", at)
		}
	})
}

func TestGeneratorWithNoMessagesClosesAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		if s, ok := <-boring("Joe", 0, every(time.Hour)); ok {
			t.Fatalf("received %q, want a closed channel", s)
		}
	})
}

func TestJoeAndAnnTakeTurnsEvenWhenOneIsFaster(t *testing.T) {
	for _, tc := range []struct {
		name      string
		joe, ann  time.Duration
		wantLines string
	}{
		{
			// Joe is ready every 10ms but waits, blocked on his send, while
			// main waits for Ann: he speaks at Ann's pace.
			"Joe ten times faster", 10 * time.Millisecond, 100 * time.Millisecond, `
  10ms Joe 0
 100ms Ann 0
 100ms Joe 1
 200ms Ann 1
 200ms Joe 2
 300ms Ann 2
 300ms You're both boring; I'm leaving.`,
		},
		{
			// Ann is ready first, yet never speaks before Joe.
			"Ann ten times faster", 100 * time.Millisecond, 10 * time.Millisecond, `
 100ms Joe 0
 100ms Ann 0
 200ms Joe 1
 200ms Ann 1
 300ms Joe 2
 300ms Ann 2
 300ms You're both boring; I'm leaving.`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var out bytes.Buffer
				services(&out, 3, every(tc.joe), every(tc.ann))
				if got, want := out.String(), strings.TrimPrefix(tc.wantLines, "\n")+"\n"; got != want {
					t.Fatalf("output:\n%s\nwant:\n%s", got, want)
				}
			})
		})
	}
}

func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if err := run(&out, []string{"-n", "2", "-seed", "1"}); err != nil {
			t.Fatal(err)
		}
		got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		wantEnds := []string{
			"One service: boring returns a channel and main ranges over it.",
			`You say: "boring! 0"`,
			`You say: "boring! 1"`,
			"You're boring; I'm leaving.",
			"",
			"Two services, heard in turn: Joe, then Ann, then Joe...",
			"Joe 0", "Ann 0", "Joe 1", "Ann 1",
			"You're both boring; I'm leaving.",
		}
		if len(got) != len(wantEnds) {
			t.Fatalf("output has %d lines, want %d:\n%s", len(got), len(wantEnds), out.String())
		}
		for i, want := range wantEnds {
			if !strings.HasSuffix(got[i], want) {
				t.Errorf("line %d is %q, want it to end with %q", i+1, got[i], want)
			}
		}
	})
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "-1"}, "-n must be at least 0, got -1"},
		{[]string{"-n", "x"}, "invalid value"},
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
