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
)

func TestWhisperSumsToN(t *testing.T) {
	for _, n := range []int{0, 1, 3, 1000, 100_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				if got := whisper(n); got != n {
					t.Fatalf("whisper(%d) = %d, want %d", n, got, n)
				}
				// Every gopher has handed its number on and returned:
				// synctest.Test fails if any is still blocked.
			})
		})
	}
}

func TestEachGopherWaitsForItsRight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		leftmost, rightmost := chain(3)
		synctest.Wait() // every gopher is now blocked on its right
		select {
		case v := <-leftmost:
			t.Fatalf("%d came out before anything went in", v)
		default:
		}
		rightmost <- 10
		if got := <-leftmost; got != 13 {
			t.Fatalf("10 in, %d out; want 13", got)
		}
	})
}

func FuzzWhisper(f *testing.F) {
	for _, n := range []uint16{0, 1, 2, 7, 500} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n uint16) {
		n %= 2000 // small chains: the fuzzer runs many
		synctest.Test(t, func(t *testing.T) {
			if got := whisper(int(n)); got != int(n) {
				t.Fatalf("whisper(%d) = %d", n, got)
			}
		})
	})
}

func TestMeasure(t *testing.T) {
	m := measure(1000)
	if m.result != 1000 {
		t.Fatalf("result %d, want 1000", m.result)
	}
	// Every gopher needs a new channel, so the heap grows by at least 1000
	// of them. The stack may not grow: the runtime reuses the stacks of
	// goroutines that have ended, such as an earlier test's chain.
	if m.heap < 1000*64 {
		t.Fatalf("the chain allocated %d bytes of heap, want at least 64 a gopher", m.heap)
	}
}

func BenchmarkWhisper(b *testing.B) {
	// Time per gopher to build a chain of n and pass the whisper through,
	// and the heap each gopher allocates. After the first chain the runtime
	// reuses ended goroutines' stacks and records, so this is the cost of a
	// gopher in a warm program; the program itself reports a cold one.
	const n = 10_000
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		whisper(n)
	}
	runtime.ReadMemStats(&after)
	gophers := float64(b.N) * n
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/gophers, "ns/gopher")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/gophers, "heap-B/gopher")
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	// In the bubble, so that a gopher left behind by run fails the test.
	synctest.Test(t, func(t *testing.T) {
		if err := run(&out, []string{"-n", "3"}); err != nil {
			t.Fatal(err)
		}
	})
	s := out.String()
	for _, want := range []string{
		"A chain of 3 gophers: 0 went in at the right, 3 came out at the left.\n",
		"  building the chain: ",
		"  the whisper's trip: ",
		"  memory: ",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	out.Reset()
	if err := run(&out, []string{"-n", "0"}); err != nil {
		t.Fatal(err)
	}
	if want := "A chain of 0 gophers: 0 went in at the right, 0 came out at the left.\n"; out.String() != want {
		t.Errorf("-n 0 printed %q, want %q", out.String(), want)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "-1"}, "-n must be at least 0, got -1"},
		{[]string{"-n", "many"}, "invalid value"},
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
