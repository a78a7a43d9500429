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
  3 searches started; all have ended, the last after 178.716ms

Google Search 2.0: all three at once
[video result for "golang"
 web result for "golang"
 image result for "golang"
]
93.883023ms
  3 searches started; all have ended, the last after 93.883ms

Google Search 2.1: all three at once, waiting at most 80ms
timed out
[video result for "golang"
 web result for "golang"
]
80ms
  3 searches started; all have ended, the last after 93.883ms

Using the First function: two replicas, the first answer wins
replica 1 result for "golang"

1.1506ms
  2 searches started; all have ended, the last after 45.959ms

Google Search 3.0: 2.1 with the first of 2 replicas of each service
[web2 result for "golang"
 video2 result for "golang"
 image2 result for "golang"
]
54.289341ms
  6 searches started; all have ended, the last after 84.087ms

Going further: 3.0 through FirstContext; the searches nobody waits for stop at once
[web2 result for "golang"
 video2 result for "golang"
 image2 result for "golang"
]
54.289341ms
  6 searches started; all have ended, the last after 54.289ms

20 searches of each version at once (services answer within 100ms; timeout 80ms; 2 replicas in 3.0):
  version  complete      p50      p95      p99      max
  1.0        100.0%  166.5ms  271.2ms  271.3ms  271.3ms
  2.0        100.0%   83.7ms   96.6ms   96.8ms   96.8ms
  2.1         40.0%   80.0ms   80.0ms   80.0ms   80.0ms
  3.0         80.0%   44.5ms   80.0ms   80.0ms   80.0ms
  300 searches started; the late ones ended 19.611ms after the table, and run waited for them
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
			!strings.Contains(got, "\n80ms\n  3 searches started; all have ended, the last after 84.087ms\n") {
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
			done := make(chan summary)
			go func() { done <- measure(s.Google30, 100) }()
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
