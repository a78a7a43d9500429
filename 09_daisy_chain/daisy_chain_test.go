package main

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// whisper runs daisyChain(w, n, built) inside the caller's bubble and returns
// what it printed and how many times it called built. If daisyChain has not
// returned an hour later it fails the test, saying where the chain is stuck.
func whisper(t *testing.T, n int, built func()) (string, int) {
	t.Helper()
	var out bytes.Buffer
	var calls atomic.Int32
	done := make(chan struct{})
	go func() {
		daisyChain(&out, n, func() {
			calls.Add(1)
			built()
		})
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Hour):
		if calls.Load() == 0 {
			t.Fatalf("an hour later, main had still not built its chain of %d: main itself waits inside the chain "+
				"(each gopher must be a goroutine of its own)", n)
		}
		t.Fatalf("an hour after its chain of %d was built, nothing had come out at the left: "+
			"nobody whispered into the right end, or a gopher did not pass the whisper on", n)
	}
	return out.String(), int(calls.Load())
}

func TestNGophersTurnZeroIntoN(t *testing.T) {
	t.Parallel()
	for _, n := range []int{3, 1, 1000, 0} {
		synctest.Test(t, func(t *testing.T) {
			out, calls := whisper(t, n, func() {})
			if want := fmt.Sprintln(n); out != want {
				t.Fatalf("a chain of %d turned the 0 that went in at the right into %s at the left, want %d: "+
					"the whisper must pass through all %d gophers, each adding one", n, strings.TrimSpace(out), n, n)
			}
			if calls != 1 {
				t.Fatalf("built was called %d times, want once", calls)
			}
			// synctest.Test fails if a gopher is still waiting.
		})
	}
}

// waitingGophers returns how many goroutines are blocked in f, receiving
// from the gopher on their right. It reads the goroutine ledger's records.
func waitingGophers() int {
	n := 0
	for _, pcs := range others() {
		if strings.HasPrefix(whereIs(pcs).what, "receiving from a channel in f at ") {
			n++
		}
	}
	return n
}

// Not parallel: other tests' gophers would be counted too.
func TestBuiltIsCalledWhileAllGophersWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 1000
		var out bytes.Buffer
		daisyChain(&out, n, func() {
			synctest.Wait() // every gopher has run as far as it can
			if got := waitingGophers(); got != n {
				t.Errorf("%d gophers wait for their right when built is called, want all %d", got, n)
			}
			if out.Len() != 0 {
				t.Errorf("the whisper came out (%q) before built was called", out.String())
			}
		})
		synctest.Wait()
		if got := waitingGophers(); got != 0 {
			t.Errorf("%d gophers still wait after the whisper came out, want 0", got)
		}
	})
}

func TestEachGopherWaitsForItsRightThenForItsLeft(t *testing.T) {
	t.Parallel()
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
func FuzzDaisyChain(f *testing.F) {
	for _, n := range []uint16{0, 1, 3, 1000} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n uint16) {
		n %= 2000 // small chains: the fuzzer runs many
		synctest.Test(t, func(t *testing.T) {
			out, calls := whisper(t, int(n), func() {})
			if want := fmt.Sprintln(n); out != want || calls != 1 {
				t.Fatalf("daisyChain(%d) printed %q and called built %d times, want %q and once", n, out, calls, want)
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
