package main

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"
	"testing/synctest"
	"time"
)

func TestDaisyChainTurnsZeroIntoN(t *testing.T) {
	// The property holds at any length; 10,000 (the slide's n) keeps the race
	// detector fast. The program and BenchmarkDaisyChain show 100,000.
	for _, n := range []int{0, 1, 3, 1000, 10_000} {
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

func TestMeasureSeesTheChainsHeap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 1000
		var out bytes.Buffer
		m := measure(&out, n)
		if out.String() != "1000\n" || m.n != n {
			t.Fatalf("measure(%d) printed %q and recorded n = %d", n, out.String(), m.n)
		}
		// Every gopher needs a new channel, so the heap grows by at least
		// 1000 of them. The stack may not grow: the runtime reuses the stacks
		// of goroutines that have ended, such as an earlier test's chain.
		if m.heap < n*64 {
			t.Fatalf("the chain allocated %d bytes of heap, want at least 64 a gopher", m.heap)
		}
		// Nothing sleeps, so no virtual time passes.
		if m.build != 0 || m.trip != 0 {
			t.Fatalf("build %v, trip %v of virtual time, want 0", m.build, m.trip)
		}
	})
}

func TestReportDividesEachFigureByN(t *testing.T) {
	m := measurement{
		n:     100_000,
		build: 219_123_456 * time.Nanosecond,
		trip:  62_449_000 * time.Nanosecond,
		stack: 204_800_000,
		heap:  77_300_000,
	}
	want := "  building the chain: 219.1ms (2191ns a gopher)\n" +
		"  the whisper's trip: 62.4ms (624ns a hop)\n" +
		"  memory: 2821 bytes a gopher (2048 of stack, 773 of heap for the goroutine and its channel)\n"
	if got := m.report(); got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
	if got := (measurement{}).report(); got != "" {
		t.Errorf("report for no gophers = %q, want nothing", got)
	}
}

func BenchmarkDaisyChain(b *testing.B) {
	// Time per gopher to build a chain of 100,000 and pass the whisper
	// through, and the heap each gopher allocates. After the first chain the
	// runtime reuses ended goroutines' stacks and records, so this is the
	// cost of a gopher in a warm program; the program itself reports a cold
	// one.
	const n = 100_000
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		daisyChain(io.Discard, n, func() {})
	}
	runtime.ReadMemStats(&after)
	gophers := float64(b.N) * n
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/gophers, "ns/gopher")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/gophers, "heap-B/gopher")
}
