package main

import (
	"bytes"
	"errors"
	"flag"
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

func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func TestBoringSpeaksWhileMainListens(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		talk(&out, 100*time.Millisecond, every(30*time.Millisecond))

		got := lines(out.String())
		want := []string{
			"   0ms I'm listening.",
			"   0ms boring! 0", // boring and main both speak at 0ms, in either order
			"  30ms boring! 1",
			"  60ms boring! 2",
			"  90ms boring! 3",
			" 100ms You're boring; I'm leaving.",
		}
		if len(got) != len(want) || got[len(got)-1] != want[len(want)-1] {
			t.Fatalf("output:\n%s\nwant (first two lines in either order):\n%s", out.String(), strings.Join(want, "\n"))
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("output lines %q, want %q", got, want)
		}
	})
}

func TestNothingIsSaidAfterLeaving(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		talk(&out, 50*time.Millisecond, every(7*time.Millisecond))
		said := out.String()
		if !strings.HasSuffix(said, "You're boring; I'm leaving.\n") {
			t.Fatalf("the last line is not main leaving:\n%s", said)
		}
		// If boring were still running it would speak within 7ms of virtual time.
		time.Sleep(time.Second)
		if out.String() != said {
			t.Fatalf("boring spoke after main left:\n%s", strings.TrimPrefix(out.String(), said))
		}
		// synctest.Test fails if boring's goroutine is still blocked here.
	})
}

func TestBoringStopsMidPauseWhenMainLeaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var out bytes.Buffer
		// boring's first pause is an hour long; main leaves after 10ms and
		// must not wait for the pause to end.
		talk(&out, 10*time.Millisecond, every(time.Hour))
		if d := time.Since(start); d != 10*time.Millisecond {
			t.Fatalf("talk took %v, want exactly 10ms", d)
		}
	})
}

func TestIgnoringItLeavesAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		talk(&out, 0, every(time.Second))
		got := lines(out.String())
		if got[len(got)-1] != "   0ms You're boring; I'm leaving." {
			t.Fatalf("main did not leave at once:\n%s", out.String())
		}
		// boring may have said its first word before main left, no more.
		if len(got) > 3 {
			t.Fatalf("boring said more than one word:\n%s", out.String())
		}
	})
}

func TestRandomPausesAreUnderMaxAndSeeded(t *testing.T) {
	a, b := randomPauses(7, 100*time.Millisecond), randomPauses(7, 100*time.Millisecond)
	for range 1000 {
		p := a()
		if p < 0 || p >= 100*time.Millisecond {
			t.Fatalf("pause %v outside [0, 100ms)", p)
		}
		if q := b(); p != q {
			t.Fatalf("same seed gave %v and %v", p, q)
		}
	}
}

func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if err := run(&out, []string{"-seed", "1", "-listen", "300ms"}); err != nil {
			t.Fatal(err)
		}
		got := lines(out.String())
		if !slices.Contains(got, "   0ms I'm listening.") || !slices.Contains(got, "   0ms boring! 0") {
			t.Errorf("missing the opening lines:\n%s", out.String())
		}
		if got[len(got)-1] != " 300ms You're boring; I'm leaving." {
			t.Errorf("last line %q, want main leaving at 300ms", got[len(got)-1])
		}
		if len(got) < 5 {
			t.Errorf("boring said too little in 300ms with pauses under 100ms:\n%s", out.String())
		}
	})
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-listen", "-1s"}, "-listen must be at least 0, got -1s"},
		{[]string{"-listen", "soon"}, "invalid value"},
		{[]string{"-seed", "-3"}, "invalid value"},
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
