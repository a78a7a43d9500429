package main

import (
	"bytes"
	"fmt"
	"io"
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

func TestTableOfKnownLatencies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServices(io.Discard, 2, byQuery)
		var out bytes.Buffer
		// 1.0 takes 3 × (i+1.5ms): 4.5ms ... 301.5ms; 2.0 i+1.5ms. 2.1 and
		// 3.0 take i+1.5ms, complete when that is under 80ms (79 of 100),
		// else 80ms.
		table(&out, s, 100)
		want := "" +
			"  version  complete      p50      p95      p99      max\n" +
			"  1.0        100.0%  151.5ms  286.5ms  298.5ms  301.5ms\n" +
			"  2.0        100.0%   50.5ms   95.5ms   99.5ms  100.5ms\n" +
			"  2.1         79.0%   50.5ms   80.0ms   80.0ms   80.0ms\n" +
			"  3.0         79.0%   50.5ms   80.0ms   80.0ms   80.0ms\n"
		if out.String() != want {
			t.Errorf("the table is:\n%s\nwant:\n%s", out.String(), want)
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
