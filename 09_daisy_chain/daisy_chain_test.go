package main

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"
	"testing/synctest"
)

func TestDaisyChainTurnsZeroIntoN(t *testing.T) {
	// The property holds at any length; TestRunLeavesNoGoroutineBehind runs
	// the default, the slide's 10,000.
	for _, n := range []int{0, 1, 3, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var out bytes.Buffer
				calls := 0
				daisyChain(&out, n, func() { calls++ })
				if want := fmt.Sprintln(n); out.String() != want {
					t.Fatalf("daisyChain(%d) printed %q, want %q", n, out.String(), want)
				}
				if calls != 1 {
					t.Fatalf("built was called %d times, want once", calls)
				}
				// Every gopher has handed its number on and returned:
				// synctest.Test fails if any is still blocked.
			})
		})
	}
}

// gophers counts the goroutines running f, from a dump of every goroutine's
// stack (runtime.NumGoroutine would count other tests' goroutines too).
func gophers() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return bytes.Count(buf[:n], []byte("daisy_chain.f("))
		}
		buf = make([]byte, 2*len(buf))
	}
}

func TestBuiltIsCalledWhileAllGophersWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 1000
		var out bytes.Buffer
		daisyChain(&out, n, func() {
			synctest.Wait() // every gopher has started and is blocked
			if got := gophers(); got != n {
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

func FuzzDaisyChain(f *testing.F) {
	for _, n := range []uint16{0, 1, 2, 7, 500} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n uint16) {
		n %= 2000 // small chains: the fuzzer runs many
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			daisyChain(&out, int(n), func() {})
			if want := fmt.Sprintln(n); out.String() != want {
				t.Fatalf("daisyChain(%d) printed %q, want %q", n, out.String(), want)
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
