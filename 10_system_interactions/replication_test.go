package main

import (
	"fmt"
	"io"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// byQuery gives every service the latency i ms + 0.5ms for the query
// "golang i-1": 1.5ms, 2.5ms, ... (the half keeps clear of the 80ms timeout).
func byQuery(kind, query string) time.Duration {
	var i int
	if _, err := fmt.Sscanf(query, "golang %d", &i); err != nil {
		panic(err)
	}
	return ms(i+1) + time.Millisecond/2
}

func TestMeasureOfKnownLatencies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServices(io.Discard, 2, byQuery)
		// 1.0 takes 3 × (i+1.5ms): 4.5ms ... 301.5ms; 2.0 i+1.5ms. 2.1 and
		// 3.0 take i+1.5ms, complete when that is under 80ms (79 of 100),
		// else 80ms.
		for _, tc := range []struct {
			version       string
			google        func(string) []Result
			complete      float64
			fastest, last time.Duration
		}{
			{"1.0", s.Google10, 1, ms(4) + time.Millisecond/2, ms(301) + time.Millisecond/2},
			{"2.0", s.Google20, 1, ms(1) + time.Millisecond/2, ms(100) + time.Millisecond/2},
			{"2.1", s.Google21, 0.79, ms(1) + time.Millisecond/2, ms(80)},
			{"3.0", s.Google30, 0.79, ms(1) + time.Millisecond/2, ms(80)},
		} {
			complete, sorted := measure(tc.google, 100)
			if complete != tc.complete || sorted[0] != tc.fastest || sorted[99] != tc.last {
				t.Errorf("%s: %.0f%% complete, latencies %v to %v; want %.0f%%, %v to %v",
					tc.version, 100*complete, sorted[0], sorted[99], 100*tc.complete, tc.fastest, tc.last)
			}
		}
		time.Sleep(maxLatency) // 2.1's and 3.0's late searches end
	})
}

func TestReplicationBeatsTimeoutAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServices(io.Discard, 2, latencies(1))
		c10, l10 := measure(s.Google10, 500)
		c20, l20 := measure(s.Google20, 500)
		c21, l21 := measure(s.Google21, 500)
		c30, l30 := measure(s.Google30, 500)
		time.Sleep(maxLatency) // the late searches end
		p50 := func(l []time.Duration) time.Duration { return l[249] }
		t.Logf("complete: %v %v %v %v; p50 %v %v %v %v", c10, c20, c21, c30, p50(l10), p50(l20), p50(l21), p50(l30))
		if c10 != 1 || c20 != 1 {
			t.Errorf("1.0 and 2.0 wait for everything, yet completeness is %v and %v", c10, c20)
		}
		// In virtual time the timeout is exact: 2.1 is often incomplete and
		// then takes exactly 80ms; 3.0 never takes longer.
		if l21[499] != ms(80) || l21[494] != ms(80) || l30[499] > ms(80) {
			t.Errorf("2.1 and 3.0 must return by the 80ms timeout; 2.1's p99 %v and max %v, 3.0's max %v", l21[494], l21[499], l30[499])
		}
		// Completeness: each service is on time with chance 0.8, so 2.1 is
		// complete with chance 0.8³ = 51%, 3.0 with (1-0.2²)³ = 88.5%. Over
		// 500 searches the bounds below are 4 and 6 standard deviations
		// away (and the latencies are fixed by the seed).
		if c21 > 0.6 || c30 < 0.8 {
			t.Errorf("2.1 complete %.1f%% (want about 51%%), 3.0 %.1f%% (want about 88.5%%)", 100*c21, 100*c30)
		}
		// Medians: 1.0 the sum of three (150ms), 2.0 the largest of three
		// (79ms), 3.0 the largest of three fastest-of-two (55ms).
		if p50(l30) >= p50(l21) || p50(l30) >= p50(l20) || p50(l20) >= p50(l10) {
			t.Errorf("medians should fall from 1.0 to 2.0 to 3.0 and 3.0's be under 2.1's: %v, %v, %v, %v", p50(l10), p50(l20), p50(l21), p50(l30))
		}
	})
}

// measure runs n > 0 searches of google at once, with the queries "golang 0",
// "golang 1", ..., and returns the share that is complete (all three kinds of
// result) and the latencies, sorted.
func measure(google func(query string) []Result, n int) (complete float64, latencies []time.Duration) {
	latencies, full := make([]time.Duration, n), 0
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			start := time.Now()
			results := google(fmt.Sprintf("golang %d", i))
			mu.Lock()
			latencies[i] = time.Since(start)
			if len(results) == 3 {
				full++
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(latencies)
	return float64(full) / float64(n), latencies
}
