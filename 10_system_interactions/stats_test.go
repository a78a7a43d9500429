package main

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"testing/synctest"
	"time"
)

func TestPercentile(t *testing.T) {
	var hundred []time.Duration
	for i := 1; i <= 100; i++ {
		hundred = append(hundred, ms(i))
	}
	for _, tc := range []struct {
		sorted []time.Duration
		p      int
		want   time.Duration
	}{
		{hundred, 50, ms(50)},
		{hundred, 95, ms(95)},
		{hundred, 99, ms(99)},
		{hundred, 100, ms(100)},
		{hundred, 1, ms(1)},
		{[]time.Duration{ms(7)}, 50, ms(7)},
		{[]time.Duration{ms(7)}, 99, ms(7)},
		{[]time.Duration{1, 2, 3, 4}, 50, 2},
		{[]time.Duration{1, 2, 3, 4}, 51, 3},
		{[]time.Duration{1, 2, 3, 4}, 95, 4},
	} {
		if got := nearestRank(tc.sorted, tc.p); got != tc.want {
			t.Errorf("nearestRank(%v, %d) = %v, want %v", tc.sorted, tc.p, got, tc.want)
		}
	}
}

// byQuery gives every service the latency i ms + 0.5ms for the query
// "golang i-1": 1.5ms, 2.5ms, ... (the half keeps clear of the 80ms timeout).
func byQuery(kind, query string) time.Duration {
	var i int
	if _, err := fmt.Sscanf(query, "golang %d", &i); err != nil {
		panic(err)
	}
	return ms(i+1) + time.Millisecond/2
}

func TestTableOfKnownLatencies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServices(io.Discard, 2, byQuery)
		var out bytes.Buffer
		// 1.0 takes 3 × (i+1.5ms): 4.5ms ... 301.5ms. 2.1 takes i+1.5ms,
		// complete when that is under 80ms (79 of 100), else 80ms.
		printTable(&out, []row{{"1.0", measure(s.Google10, 100)}, {"2.1", measure(s.Google21, 100)}})
		want := "" +
			"  version  complete      p50      p95      p99      max\n" +
			"  1.0        100.0%  151.5ms  286.5ms  298.5ms  301.5ms\n" +
			"  2.1         79.0%   50.5ms   80.0ms   80.0ms   80.0ms\n"
		if out.String() != want {
			t.Errorf("the table is:\n%s\nwant:\n%s", out.String(), want)
		}
		time.Sleep(maxLatency) // 2.1's late searches end
	})
}

func TestReplicationBeatsTimeoutAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServices(io.Discard, 2, latencies(1))
		s10 := measure(s.Google10, 500)
		s20 := measure(s.Google20, 500)
		s21 := measure(s.Google21, 500)
		s30 := measure(s.Google30, 500)
		time.Sleep(maxLatency) // the late searches end
		t.Logf("\n1.0 %+v\n2.0 %+v\n2.1 %+v\n3.0 %+v", s10, s20, s21, s30)
		if s10.complete != 1 || s20.complete != 1 {
			t.Errorf("1.0 and 2.0 wait for everything, yet completeness is %v and %v", s10.complete, s20.complete)
		}
		// In virtual time the timeout is exact: 2.1 is often incomplete and
		// then takes exactly 80ms; 3.0 never takes longer.
		if s21.max != ms(80) || s21.p99 != ms(80) || s30.max > ms(80) {
			t.Errorf("2.1 and 3.0 must return by the 80ms timeout; 2.1's p99 %v and max %v, 3.0's max %v", s21.p99, s21.max, s30.max)
		}
		// Completeness: each service is on time with chance 0.8, so 2.1 is
		// complete with chance 0.8³ = 51%, 3.0 with (1-0.2²)³ = 88.5%. Over
		// 500 searches the bounds below are 4 and 6 standard deviations
		// away (and the latencies are fixed by the seed).
		if s21.complete > 0.6 || s30.complete < 0.8 {
			t.Errorf("2.1 complete %.1f%% (want about 51%%), 3.0 %.1f%% (want about 88.5%%)", 100*s21.complete, 100*s30.complete)
		}
		// Medians: 1.0 the sum of three (150ms), 2.0 the largest of three
		// (79ms), 3.0 the largest of three fastest-of-two (55ms).
		if s30.p50 >= s21.p50 || s30.p50 >= s20.p50 || s20.p50 >= s10.p50 {
			t.Errorf("medians should fall from 1.0 to 2.0 to 3.0 and 3.0's be under 2.1's: %v, %v, %v, %v", s10.p50, s20.p50, s21.p50, s30.p50)
		}
	})
}
