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

// pauses returns a pause source that pauses ds in turn, then the last one
// for ever.
func pauses(ds ...time.Duration) func() time.Duration {
	return func() time.Duration {
		d := ds[0]
		if len(ds) > 1 {
			ds = ds[1:]
		}
		return d
	}
}

func TestTimeoutEachMessageFiresWhenOneMessageIsTooSlow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var out bytes.Buffer
		// The talk's numbers: a 1s timeout; the third message takes 1.5s.
		timeoutEachMessage(&out, time.Second, 10, pauses(100*time.Millisecond, 200*time.Millisecond, 1500*time.Millisecond))
		want := " 100ms Joe 0\n 300ms Joe 1\n1300ms You're too slow.\n"
		if out.String() != want {
			t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
		}
		if d := time.Since(start); d != 1300*time.Millisecond {
			t.Errorf("gave up after %v, want exactly 1.3s", d)
		}
		// boring was mid-pause when main left; synctest.Test fails if it is
		// still blocked when this function returns.
	})
}

func TestTimeoutEachMessageIsPerMessage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		// Each message takes 999ms, just under the timeout: ten of them take
		// almost 10s in all and none is too slow.
		timeoutEachMessage(&out, time.Second, 10, pauses(999*time.Millisecond))
		if !strings.HasSuffix(out.String(), "9990ms You're boring; I'm leaving.\n") {
			t.Errorf("output:\n%s\nwant ten messages and no timeout", out.String())
		}
		if strings.Contains(out.String(), "too slow") {
			t.Errorf("timed out although every message came within the timeout:\n%s", out.String())
		}
	})
}

func TestTimeoutWholeConversationEndsAtItsDeadline(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pause    func() time.Duration
		messages int
	}{
		{"a message every 300ms", pauses(300 * time.Millisecond), 3},
		{"a message every 3ms", pauses(3 * time.Millisecond), 333},
		{"one message, then silence", pauses(10*time.Millisecond, time.Hour), 1},
		{"silence", pauses(2 * time.Second), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				var out bytes.Buffer
				timeoutWholeConversation(&out, time.Second, tc.pause)
				if d := time.Since(start); d != time.Second {
					t.Errorf("ended after %v, want exactly 1s", d)
				}
				lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
				if last := lines[len(lines)-1]; last != "1000ms You talk too much." {
					t.Errorf("last line %q, want the timeout at 1000ms", last)
				}
				if got := len(lines) - 1; got != tc.messages {
					t.Errorf("heard %d messages, want %d", got, tc.messages)
				}
			})
		})
	}
}

func TestTimeoutWholeConversationReportsEveryMessageBeforeTheDeadline(t *testing.T) {
	for seed := range uint64(20) {
		synctest.Test(t, func(t *testing.T) {
			// The messages arrive at the running sums of the pauses (main is
			// always listening); replay the same seeded pauses to predict them.
			var want strings.Builder
			replay := randomPauses(seed+1, 2, 100*time.Millisecond)
			var at time.Duration
			for i := 0; ; i++ {
				at += replay()
				if at >= 500*time.Millisecond {
					break
				}
				fmt.Fprintf(&want, "%4dms Joe %d\n", at.Milliseconds(), i)
			}
			want.WriteString(" 500ms You talk too much.\n")

			var out bytes.Buffer
			timeoutWholeConversation(&out, 500*time.Millisecond, randomPauses(seed+1, 2, 100*time.Millisecond))
			if out.String() != want.String() {
				t.Errorf("seed %d: output:\n%s\nwant:\n%s", seed+1, out.String(), want.String())
			}
		})
	}
}

func TestBoringStopsWhenTheContextIsDone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, stop := context.WithCancel(t.Context())
		c := boring(ctx, "Joe", pauses(time.Millisecond))
		<-c
		time.Sleep(time.Second) // boring is now blocked on its next send
		stop()
		synctest.Wait()
		select {
		case s := <-c:
			t.Fatalf("boring sent %q after it was told to stop", s)
		default:
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
			"Timeout for each message: 100ms (pauses under 150ms).\n",
			"\n\nTimeout for the whole conversation: 500ms (pauses under 100ms).\n",
			" 500ms You talk too much.\n",
		} {
			if !strings.Contains(s, want) {
				t.Errorf("output lacks %q:\n%s", want, s)
			}
		}
		if !strings.Contains(s, "You're too slow.") && !strings.Contains(s, "You're boring; I'm leaving.") {
			t.Errorf("the per-message part did not end:\n%s", s)
		}

		for mode, want := range map[string]string{"message": "Timeout for each message", "conversation": "Timeout for the whole conversation"} {
			out.Reset()
			if err := run(&out, []string{"-mode", mode, "-seed", "2"}); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(out.String(), want) || strings.Count(out.String(), "Timeout for") != 1 {
				t.Errorf("-mode %s printed:\n%s", mode, out.String())
			}
		}
	})
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-mode", "x"}, `-mode must be message, conversation or both, got "x"`},
		{[]string{"-timeout", "0s"}, "-timeout must be positive, got 0s"},
		{[]string{"-total", "-1s"}, "-total must be positive, got -1s"},
		{[]string{"-n", "-1"}, "-n must be at least 0, got -1"},
		{[]string{"-timeout", "soon"}, "invalid value"},
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
