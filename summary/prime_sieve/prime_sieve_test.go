package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// trialDivision returns the first n primes the plain way, to check the sieve against.
func trialDivision(n int) []int {
	var primes []int
	for m := 2; len(primes) < n; m++ {
		prime := true
		for _, p := range primes {
			if p*p > m {
				break
			}
			if m%p == 0 {
				prime = false
				break
			}
		}
		if prime {
			primes = append(primes, m)
		}
	}
	return primes
}

// sieved runs sieve for n primes in a synctest bubble (which fails if any
// goroutine of the chain is still blocked at the end) and returns them.
func sieved(t *testing.T, n int) []int {
	t.Helper()
	var out bytes.Buffer
	synctest.Test(t, func(t *testing.T) {
		returned := make(chan struct{})
		go func() {
			sieve(&out, n)
			close(returned)
		}()
		select {
		case <-returned:
		case <-time.After(time.Hour):
			t.Fatalf("sieve(%d) never returned: it waits for a chain that never ends", n)
		}
	})
	var got []int
	for _, f := range strings.Fields(out.String()) {
		p, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("sieve printed %q, not a number", f)
		}
		got = append(got, p)
	}
	return got
}

func TestSieveFindsTheFirst300PrimesInOrder(t *testing.T) {
	t.Parallel() // the slowest test here (48,648 hand-offs): let the others run beside it
	want := trialDivision(300)
	got := sieved(t, 300)
	if len(got) != len(want) {
		t.Fatalf("sieve printed %d numbers, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("prime %d: sieve says %d, trial division %d", i+1, got[i], want[i])
		}
	}
	if got[299] != 1987 {
		t.Fatalf("the 300th prime is 1987, sieve says %d", got[299])
	}
}

// chainLength is how many goroutines run Generate or Filter now, counted as
// the ledger counts: from the goroutine profile, by the functions on each
// stack. A goroutine told to stop that has not yet run still counts.
func chainLength() int {
	n := 0
	for _, pcs := range others() {
		if runs(pcs, program+"Generate") || runs(pcs, program+"Filter") {
			n++
		}
	}
	return n
}

// chainWriter records, each time sieve prints a prime, how long the chain
// is once every goroutine of the bubble is blocked.
type chainWriter struct{ seen []int }

func (c *chainWriter) Write(p []byte) (int, error) {
	synctest.Wait()
	c.seen = append(c.seen, chainLength())
	return len(p), nil
}

// Not parallel, as the next test: a parallel test's sieve would count too.
func TestChainIsOneGeneratorAndOneFilterPerPrimeFound(t *testing.T) {
	for _, n := range []int{0, 1, 2, 50, 100} {
		synctest.Test(t, func(t *testing.T) {
			c := &chainWriter{}
			sieve(c, n)
			if len(c.seen) != n {
				t.Fatalf("sieve printed %d lines, want %d", len(c.seen), n)
			}
			for k, chain := range c.seen {
				// While the (k+1)th prime is printed, the chain is the
				// generator and a filter for each of the k primes before it.
				if chain != 1+k {
					t.Fatalf("as prime %d was printed, the chain had %d goroutines, want %d (Generate and %d filters)", k+1, chain, 1+k, k)
				}
			}
		})
	}
}

// sieve closes done, so that Generate and every filter return, and waits
// for them: when it returns, no goroutine of its chain is left, not even one
// that has been told to stop and has not yet run.
func TestSieveReturnsOnlyOnceEveryGoroutineOfItsChainHasEnded(t *testing.T) {
	for _, n := range []int{0, 1, 100} {
		synctest.Test(t, func(t *testing.T) {
			left := make(chan int, 1)
			go func() {
				sieve(io.Discard, n)
				left <- chainLength() // at once
			}()
			select {
			case l := <-left:
				if l != 0 {
					t.Fatalf("sieve(%d) returned with goroutines of its chain still running (%d): it must wait for them", n, l)
				}
			case <-time.After(time.Hour):
				t.Fatalf("sieve(%d) never returned: Generate or a filter never ended (did sieve close done?)", n)
			}
		})
	}
}

func FuzzSieveAgreesWithTrialDivision(f *testing.F) {
	for _, n := range []uint16{0, 1, 2, 3, 25, 168} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n uint16) {
		n %= 400 // small sieves: the fuzzer runs many
		want := trialDivision(int(n))
		got := sieved(t, int(n))
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("sieve(%d) = %v, want %v", n, got, want)
		}
	})
}

// handoffs counts the channel sends a sieve of n primes makes (ignoring the
// few numbers in flight when it stops): a number m is sent once by Generate
// and once by each filter it passes, up to the filter of its smallest prime
// factor or, for a prime, to sieve itself. So m takes k sends, where its
// smallest prime factor is the k-th prime, and the k-th prime takes k.
func handoffs(n int) int {
	if n == 0 {
		return 0
	}
	primes := trialDivision(n)
	last := primes[n-1]
	index := make([]int, last+1) // index[m]: k when m's smallest prime factor is the k-th prime
	for k, p := range primes {
		for m := p; m <= last; m += p {
			if index[m] == 0 {
				index[m] = k + 1
			}
		}
	}
	total := 0
	for m := 2; m <= last; m++ {
		total += index[m]
	}
	return total
}

func TestHandoffs(t *testing.T) {
	// n = 3: 2 is sent once (Generate to sieve); 3 twice; 4 once (to filter
	// 2, which drops it); 5 three times.
	for n, want := range map[int]int{0: 0, 1: 1, 2: 1 + 2, 3: 1 + 2 + 1 + 3} {
		if got := handoffs(n); got != want {
			t.Errorf("handoffs(%d) = %d, want %d", n, got, want)
		}
	}
	// The k-th prime alone is sent k times, so n primes take at least n(n+1)/2.
	for _, n := range []int{10, 100, 1000} {
		if got := handoffs(n); got < n*(n+1)/2 {
			t.Errorf("handoffs(%d) = %d, less than n(n+1)/2", n, got)
		}
	}
}

// BenchmarkSieve reports the time per prime found for chains of n primes,
// the hand-offs per prime (from handoffs: they grow in proportion to n) and
// the time per hand-off. By default it measures n = 1000 and 2000 (with
// -short, only 100); to see the growth further, set the largest n:
//
//	SIEVE_BENCH_MAX=8000 go test -run '^$' -bench Sieve ./summary/prime_sieve
func BenchmarkSieve(b *testing.B) {
	smallest, largest := 1000, 2000
	if testing.Short() {
		smallest, largest = 100, 100
	}
	if s := os.Getenv("SIEVE_BENCH_MAX"); s != "" {
		var err error
		if largest, err = strconv.Atoi(s); err != nil || largest < smallest || check(largest, nil) != nil {
			b.Fatalf("SIEVE_BENCH_MAX=%q: want a number of primes from %d to 10000", s, smallest)
		}
	}
	for n := smallest; n <= largest; n *= 2 {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				sieve(io.Discard, n)
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			h := float64(handoffs(n))
			b.ReportMetric(ns/float64(n), "ns/prime")
			b.ReportMetric(h/float64(n), "handoffs/prime")
			b.ReportMetric(ns/h, "ns/handoff")
		})
	}
}
