package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// every returns a pause source that always pauses d.
func every(d time.Duration) func() time.Duration {
	return func() time.Duration { return d }
}

func TestSyncFanInMovesInLockstep(t *testing.T) {
	for _, tc := range []struct {
		name     string
		joe, ann time.Duration
		want     string
	}{
		{
			// Joe is ready 10ms after each release but waits on his wait
			// channel until Ann has spoken: Joe 1 comes at 110ms, not 20ms.
			"Joe ten times faster", 10 * time.Millisecond, 100 * time.Millisecond, `
  10ms Joe 0
 100ms Ann 0
 110ms Joe 1
 200ms Ann 1
 210ms Joe 2
 300ms Ann 2
 300ms You're all boring; I'm leaving.`,
		},
		{
			"Ann ten times faster", 100 * time.Millisecond, 10 * time.Millisecond, `
  10ms Ann 0
 100ms Joe 0
 110ms Ann 1
 200ms Joe 1
 210ms Ann 2
 300ms Joe 2
 300ms You're all boring; I'm leaving.`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var out bytes.Buffer
				conversation(&out, 3, []speaker{{"Joe", every(tc.joe)}, {"Ann", every(tc.ann)}})
				if got, want := out.String(), strings.TrimPrefix(tc.want, "\n")+"\n"; got != want {
					t.Fatalf("output:\n%s\nwant:\n%s", got, want)
				}
			})
		})
	}
}

func TestFastSpeakerWaitsOnItsWaitChannel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := boring("Joe", 2, every(10*time.Millisecond))
		first := <-c
		time.Sleep(time.Hour)
		// Joe has not been released, so he cannot have sent again.
		select {
		case msg := <-c:
			t.Fatalf("Joe sent %q before being released", msg.str)
		default:
		}
		first.wait <- true
		second := <-c
		if second.str != "Joe 1" {
			t.Fatalf("after the release got %q, want \"Joe 1\"", second.str)
		}
		if second.wait != first.wait {
			t.Fatal("Joe's messages carry different wait channels, want his own one")
		}
		second.wait <- true
		if _, ok := <-c; ok {
			t.Fatal("Joe's channel is still open after his last message")
		}
	})
}

// checkRounds groups the conversation's message lines into rounds of k and checks
// that round r holds exactly one message "Name r" from each speaker.
func checkRounds(t *testing.T, out string, names []string, n int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	k := len(names)
	if len(lines) != n*k+1 {
		t.Fatalf("%d lines, want %d rounds of %d and the leaving line:\n%s", len(lines), n, k, out)
	}
	for r := range n {
		var said []string
		for _, l := range lines[r*k : (r+1)*k] {
			said = append(said, l[strings.Index(l, "ms ")+3:]) // drop the time
		}
		var want []string
		for _, name := range names {
			want = append(want, fmt.Sprintf("%s %d", name, r))
		}
		slices.Sort(said)
		slices.Sort(want)
		if !slices.Equal(said, want) {
			t.Fatalf("round %d holds %q, want one message from each speaker: %q", r, said, want)
		}
	}
}

func TestEveryRoundHoldsOneMessageFromEachSpeaker(t *testing.T) {
	for _, k := range []int{1, 2, 3, 5} {
		t.Run(fmt.Sprintf("%d speakers", k), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var speakers []speaker
				var names []string
				for i := range k {
					name := fmt.Sprintf("S%d", i)
					names = append(names, name)
					speakers = append(speakers, speaker{name, randomPauses(uint64(k), uint64(i), 100*time.Millisecond)})
				}
				var out bytes.Buffer
				conversation(&out, 20, speakers)
				checkRounds(t, out.String(), names, 20)
			})
		})
	}
}

func TestNoRoundsNoMessages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		conversation(&out, 0, []speaker{{"Joe", every(time.Second)}, {"Ann", every(time.Second)}})
		if want := "   0ms You're all boring; I'm leaving.\n"; out.String() != want {
			t.Fatalf("output %q, want %q", out.String(), want)
		}
	})
}

func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if err := run(&out, []string{"-n", "4", "-seed", "1"}); err != nil {
			t.Fatal(err)
		}
		checkRounds(t, out.String(), []string{"Joe", "Ann"}, 4)
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
