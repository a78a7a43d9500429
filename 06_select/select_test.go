package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// every returns a pause source that always pauses d.
func every(d time.Duration) func() time.Duration {
	return func() time.Duration { return d }
}

func collect(c <-chan string) []string {
	var got []string
	for s := range c {
		got = append(got, s)
	}
	return got
}

// checkEveryMessageOnceInOrder fails unless got holds "Joe 0".."Joe n-1" and
// "Ann 0".."Ann n-1", each once, each speaker's in order.
func checkEveryMessageOnceInOrder(t *testing.T, got []string, n int) {
	t.Helper()
	next := map[string]int{"Joe": 0, "Ann": 0}
	for _, s := range got {
		var name string
		var i int
		if _, err := fmt.Sscanf(s, "%s %d", &name, &i); err != nil {
			t.Fatalf("unexpected message %q", s)
		}
		if want, ok := next[name]; !ok || i != want {
			t.Fatalf("got %q, want %s %d next (duplicate, lost or out of order)", s, name, want)
		}
		next[name]++
	}
	if next["Joe"] != n || next["Ann"] != n {
		t.Fatalf("got %d from Joe and %d from Ann, want %d each", next["Joe"], next["Ann"], n)
	}
}

func TestFanInDeliversEveryMessageOnceInOrder(t *testing.T) {
	for seed := range uint64(20) {
		synctest.Test(t, func(t *testing.T) {
			c := fanIn(boring("Joe", 30, randomPauses(seed, 1, 100*time.Millisecond)),
				boring("Ann", 30, randomPauses(seed, 2, 100*time.Millisecond)))
			checkEveryMessageOnceInOrder(t, collect(c), 30)
		})
	}
}

func TestFastProducerOvertakesSlowOne(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		conversation(&out, 3, every(100*time.Millisecond), every(10*time.Millisecond))
		want := `  10ms Ann 0
  20ms Ann 1
  30ms Ann 2
 100ms Joe 0
 200ms Joe 1
 300ms Joe 2
 300ms You're both boring; I'm leaving.
`
		if out.String() != want {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}

func TestFanInUsesOneGoroutine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := make(chan string), make(chan string)
		before := runtime.NumGoroutine()
		c := fanIn(a, b)
		synctest.Wait() // fanIn's goroutine is now blocked in its select
		if started := runtime.NumGoroutine() - before; started != 1 {
			t.Fatalf("fanIn started %d goroutines, want 1", started)
		}
		close(a)
		close(b)
		if s, ok := <-c; ok {
			t.Fatalf("got %q, want the output closed", s)
		}
	})
}

func TestFanInSwitchesOffEachClosedInput(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := make(chan string), make(chan string)
		c := fanIn(a, b)
		close(a) // from now on only b's case can fire
		b <- "b 0"
		if s := <-c; s != "b 0" {
			t.Fatalf("got %q, want \"b 0\"", s)
		}
		synctest.Wait()
		select {
		case s := <-c:
			t.Fatalf("got %q while b is still open and silent", s)
		default: // still open, nothing to say: the closed input is not spinning
		}
		close(b)
		if s, ok := <-c; ok {
			t.Fatalf("got %q, want the output closed", s)
		}
	})
}

func TestSelectEvaluatesEveryCase(t *testing.T) {
	evaluated, chosen := evaluatesEveryCase()
	// Two channel expressions and the value to send, though only the
	// receive proceeded.
	if evaluated != 3 {
		t.Errorf("%d expressions evaluated, want 3", evaluated)
	}
	if chosen != "the receive from the ready channel" {
		t.Errorf("chosen %q, want the ready receive", chosen)
	}
}

func TestSelectBlocksUntilACaseCanProceed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, never := make(chan string), make(chan string)
		got := ""
		go func() {
			select {
			case s := <-c:
				got = s
			case s := <-never:
				got = "never: " + s
			}
		}()
		time.Sleep(time.Hour)
		synctest.Wait() // the select goroutine is blocked, not finished
		if got != "" {
			t.Fatalf("select proceeded with %q before anything was sent", got)
		}
		c <- "now"
		synctest.Wait()
		if got != "now" {
			t.Fatalf("select got %q, want \"now\"", got)
		}
		if waited := blocksUntilReady(20 * time.Millisecond); waited != 20*time.Millisecond {
			t.Fatalf("blocksUntilReady waited %v, want exactly 20ms", waited)
		}
	})
}

func TestSelectChoosesPseudoRandomly(t *testing.T) {
	// Each of 10,000 choices is a fair coin: the standard deviation of a
	// count is 50, so 40%..60% is 20 deviations wide. A biased select would
	// fail; a fair one never will.
	const tries = 10000
	a, b := choosesRandomly(tries)
	if a+b != tries {
		t.Fatalf("%d + %d choices, want %d", a, b, tries)
	}
	if a < tries*40/100 || a > tries*60/100 {
		t.Fatalf("first case chosen %d times in %d, want 40%% to 60%%", a, tries)
	}
}

func TestDefaultRunsOnlyWhenNothingIsReady(t *testing.T) {
	for range 1000 {
		if !runsDefault(false) {
			t.Fatal("default did not run with nothing ready")
		}
		if runsDefault(true) {
			t.Fatal("default ran with a value ready")
		}
	}
}

func TestNilChannelCaseNeverProceeds(t *testing.T) {
	if n := nilCaseChosen(10000); n != 0 {
		t.Fatalf("the nil channel's case was chosen %d times, want 0", n)
	}
}

func FuzzFanIn(f *testing.F) {
	f.Add(uint8(0), uint8(0), uint64(1))
	f.Add(uint8(5), uint8(0), uint64(2))
	f.Add(uint8(3), uint8(30), uint64(3))
	f.Fuzz(func(t *testing.T, joe, ann uint8, seed uint64) {
		synctest.Test(t, func(t *testing.T) {
			c := fanIn(boring("Joe", int(joe), randomPauses(seed, 1, 100*time.Millisecond)),
				boring("Ann", int(ann), randomPauses(seed, 2, 100*time.Millisecond)))
			got := collect(c)
			if len(got) != int(joe)+int(ann) {
				t.Fatalf("got %d messages, want %d", len(got), int(joe)+int(ann))
			}
		})
	})
}

func BenchmarkFanIn(b *testing.B) {
	// Cost per message through the select-based fanIn: two producers that
	// never pause.
	const n = 1000
	never := every(0)
	for b.Loop() {
		for range fanIn(boring("Joe", n/2, never), boring("Ann", n/2, never)) {
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/msg")
}

func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if err := run(&out, []string{"-n", "3", "-seed", "1"}); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		for _, want := range []string{
			"1. Every case is evaluated on entry: 3 channel and value expressions ran",
			"2. It blocks until a case can proceed: it waited 20ms for a sender.",
			"3. If several can proceed, it picks one at random: a ",
			"nothing ready, default ran: true; a value ready, default ran: false.",
			"5. A case on a nil channel never proceeds: chosen 0 times in 10000.",
			"Fan-in using select: one goroutine serves both inputs.",
			"You're both boring; I'm leaving.",
		} {
			if !strings.Contains(s, want) {
				t.Errorf("output lacks %q:\n%s", want, s)
			}
		}
		_, conversation, _ := strings.Cut(s, "serves both inputs.\n")
		var said []string
		for l := range strings.Lines(conversation) {
			said = append(said, strings.TrimSpace(l[strings.Index(l, "ms ")+3:]))
		}
		checkEveryMessageOnceInOrder(t, said[:len(said)-1], 3)
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
