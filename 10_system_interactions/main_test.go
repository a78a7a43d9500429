package main

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// ms is n milliseconds.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// runOK runs the program with args and returns what it printed; an error fails the test.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(&out, args); err != nil {
		t.Fatalf("run(%q): %v", args, err)
	}
	return out.String()
}

// bubbled returns how many goroutines the caller's synctest bubble holds, the
// caller included, once every one of them has run as far as it can without
// time passing: a goroutine that sleeps or is blocked counts, one that has
// ended does not.
func bubbled() int {
	synctest.Wait()
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	// Each goroutine's header reads "goroutine N [state, synctest bubble B]:";
	// the caller's comes first.
	first, _, _ := bytes.Cut(buf, []byte("\n"))
	bubble := first[bytes.LastIndex(first, []byte(", synctest bubble ")):]
	n := 0
	for line := range bytes.Lines(buf) {
		if bytes.HasPrefix(line, []byte("goroutine ")) && bytes.HasSuffix(bytes.TrimSuffix(line, []byte("\n")), bubble) {
			n++
		}
	}
	return n
}

// The run with -seed 12: image (93.9ms) is too slow for 2.1, but 3.0 has a
// second image replica (54.3ms); video1 (84.1ms) ends after 3.0 has
// returned, into the buffer, while going further it stops at 54.3ms.
const seed12 = `The talk's fake Google search, version by version, each asking for "golang" (services answer within 100ms):

Google Search 1.0: Web, Image and Video, one after another
[web result for "golang"
 image result for "golang"
 video result for "golang"
]
178.715868ms
  3 searches started; the last ended 0s later, and run waited for it

Google Search 2.0: all three at once
[video result for "golang"
 web result for "golang"
 image result for "golang"
]
93.883023ms
  3 searches started; the last ended 0s later, and run waited for it

Google Search 2.1: all three at once, waiting at most 80ms
timed out
[video result for "golang"
 web result for "golang"
]
80ms
  3 searches started; the last ended 13.883ms later, and run waited for it

Using the First function: two replicas, the first answer wins
replica 1 result for "golang"

1.1506ms
  2 searches started; the last ended 44.808ms later, and run waited for it

Google Search 3.0: 2.1 with the first of 2 replicas of each service
[web2 result for "golang"
 video2 result for "golang"
 image2 result for "golang"
]
54.289341ms
  6 searches started; the last ended 29.798ms later, and run waited for it

Going further: 3.0 through FirstContext; the searches nobody waits for stop at once
[web2 result for "golang"
 video2 result for "golang"
 image2 result for "golang"
]
54.289341ms
  6 searches started; the last ended 0s later, and run waited for it

20 searches of each version at once (services answer within 100ms; timeout 80ms; 2 replicas in 3.0):
  version  complete      p50      p95      p99      max
  1.0        100.0%  166.5ms  271.2ms  271.3ms  271.3ms
  2.0        100.0%   83.7ms   96.6ms   96.8ms   96.8ms
  2.1         40.0%   80.0ms   80.0ms   80.0ms   80.0ms
  3.0         80.0%   44.5ms   80.0ms   80.0ms   80.0ms
  300 searches started; the last ended 19.611ms later, and run waited for it
`

func TestRunWithSeed12IsExact(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		if got := runOK(t, "-seed", "12", "-queries", "20"); got != seed12 {
			t.Errorf("run -seed 12 -queries 20 printed:\n%s\nwant:\n%s", got, seed12)
		}
	})
}

func TestRunLeavesNoGoroutineBehind(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-seed", "1"}, {"-seed", "12", "-queries", "0"}, {"-seed", "12", "-queries", "5", "-replicas", "1"}} {
		synctest.Test(t, func(t *testing.T) {
			before := bubbled()
			runOK(t, args...)
			if n := bubbled() - before; n != 0 {
				t.Fatalf("run %q: %d goroutines still alive when run returned, want 0", args, n)
			}
		})
	}
}

func TestQueriesZeroPrintsNoTableAndReplicasOneTimesOut(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		if got, want := runOK(t, "-seed", "12", "-queries", "0"), seed12[:strings.Index(seed12, "\n20 searches")]; got != want {
			t.Errorf("-queries 0 printed:\n%s\nwant:\n%s", got, want)
		}
		// One replica of each: video1 (84.1ms) is late, and 3.0 times out like 2.1.
		got := runOK(t, "-seed", "12", "-queries", "0", "-replicas", "1")
		if !strings.Contains(got, "Google Search 3.0: 2.1 with the first of 1 replicas of each service\ntimed out\n") ||
			!strings.Contains(got, "\n80ms\n  3 searches started; the last ended 4.087ms later, and run waited for it\n") {
			t.Errorf("-replicas 1 printed:\n%s", got)
		}
	})
}

func TestA30SearchRunsOneGoroutineAndThreeForEachService(t *testing.T) {
	// What maxQueries' bound rests on: a search of 3.0 is the caller's
	// goroutine, and for each of three services one running First and one per
	// replica.
	t.Parallel()
	for _, replicas := range []int{1, 2, maxReplicas} {
		synctest.Test(t, func(t *testing.T) {
			s := newServices(io.Discard, replicas, func(string, string) time.Duration { return ms(50) })
			before := bubbled()
			done := make(chan struct{})
			go func() { measure(s.Google30, 100); close(done) }()
			if n, want := bubbled()-before, 1+100*(1+3*(1+replicas)); n != want {
				t.Errorf("%d replicas: 100 searches at once run %d goroutines (measure's own included), want %d", replicas, n, want)
			}
			<-done
		})
	}
}

func TestLatenciesAreUnder100msAndDependOnSeedKindAndQuery(t *testing.T) {
	a, b := latencies(7), latencies(8)
	lo, hi := maxLatency, time.Duration(-1)
	for i := range 20_000 {
		d := a("web", fmt.Sprint("golang ", i))
		lo, hi = min(lo, d), max(hi, d)
	}
	// Over 20,000 draws from [0, 100ms) the extremes come within 0.05ms of
	// the bounds (each misses with chance (1-0.0005)^20000 < 0.01%, and the
	// draws are fixed).
	if lo < 0 || lo > 50*time.Microsecond || hi >= maxLatency || hi < maxLatency-50*time.Microsecond {
		t.Errorf("latencies from %v to %v, want [0, %v) nearly filled", lo, hi, maxLatency)
	}
	if x, y := a("web", "golang"), latencies(7)("web", "golang"); x != y {
		t.Errorf("the same seed, kind and query gave %v and %v", x, y)
	}
	for what, pair := range map[string][2]time.Duration{
		"seeds 7 and 8":     {a("web", "golang"), b("web", "golang")},
		"web and image":     {a("web", "golang"), a("image", "golang")},
		"two queries":       {a("web", "golang 0"), a("web", "golang 1")},
		"web/1x and web1/x": {a("web", "1x"), a("web1", "x")}, // kind and query are kept apart
	} {
		if pair[0] == pair[1] {
			t.Errorf("%s: the same latency %v", what, pair[0])
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
