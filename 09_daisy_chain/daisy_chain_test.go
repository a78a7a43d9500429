package main

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"
	"testing/synctest"
)

func TestBuiltIsCalledWhileAllGophersWait(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const n = 1000
		var out bytes.Buffer
		before := bubbled()
		daisyChain(&out, n, func() {
			if got := bubbled() - before; got != n { // every gopher has started and is blocked
				t.Errorf("%d gophers exist when built is called, want all %d", got, n)
			}
			if out.Len() != 0 {
				t.Errorf("the whisper came out (%q) before built was called", out.String())
			}
		})
	})
}

func TestEachGopherWaitsForItsRightThenForItsLeft(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		left, right := make(chan int), make(chan int)
		returned := false
		go func() {
			f(left, right)
			returned = true
		}()
		synctest.Wait() // f is now blocked
		select {
		case v := <-left:
			t.Fatalf("%d came out before anything went in", v)
		default:
		}
		right <- 10
		synctest.Wait()
		if returned {
			t.Fatal("f returned before anyone took its number: its send must wait for the left")
		}
		if got := <-left; got != 11 {
			t.Fatalf("10 in, %d out; want 11", got)
		}
		synctest.Wait()
		if !returned {
			t.Fatal("f did not return after its one hand-off")
		}
	})
}

// FuzzDaisyChain checks that n gophers turn 0 into n, that built is called
// once, and (synctest.Test fails otherwise) that every gopher has returned.
// TestRunLeavesNoGoroutineBehind runs the default, the slide's 10,000.
func FuzzDaisyChain(f *testing.F) {
	for _, n := range []uint16{0, 1, 3, 1000} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n uint16) {
		n %= 2000 // small chains: the fuzzer runs many
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			calls := 0
			daisyChain(&out, int(n), func() { calls++ })
			if want := fmt.Sprintln(n); out.String() != want || calls != 1 {
				t.Fatalf("daisyChain(%d) printed %q and called built %d times, want %q and once", n, out.String(), calls, want)
			}
		})
	})
}

func BenchmarkDaisyChain(b *testing.B) {
	// Time per gopher to build a chain of 100,000 (1000 with -short) and pass
	// the whisper through, and the heap each gopher allocates. After the first
	// chain the runtime reuses ended goroutines' stacks and records, so this
	// is the cost of a gopher in a warm program; the program itself reports a
	// cold one.
	n := 100_000
	if testing.Short() {
		n = 1000
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		daisyChain(io.Discard, n, func() {})
	}
	runtime.ReadMemStats(&after)
	gophers := float64(b.N * n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/gophers, "ns/gopher")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/gophers, "heap-B/gopher")
}
