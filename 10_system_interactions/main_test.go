package main

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

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

// ms is n milliseconds.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// The page's sample: what go run ./10_system_interactions prints with its
// default flags, the ledger's line aside. Seed 28 draws web 23.7ms, image
// 95.0ms and video 50.6ms, so 2.1 times out without image, which answers
// 15ms later; replica 2 (29.5ms) beats replica 1 (92.6ms); in 3.0 image1
// (61.7ms) stands in for the slow image2 (86.4ms), so 3.0 is complete. No
// two answers of a version, nor an answer and the timeout, come within 5ms.
const page = `The talk's fake Google search, version by version, each asking for "golang" (services answer within 100ms):

Google Search 1.0: Web, Image and Video, one after another
[web result for "golang"
 image result for "golang"
 video result for "golang"
]
169.25403ms

Google Search 2.0: all three at once
[web result for "golang"
 video result for "golang"
 image result for "golang"
]
94.973564ms

Google Search 2.1: all three at once, waiting at most 80ms
timed out
[web result for "golang"
 video result for "golang"
]
80ms
  late answers, which nobody reads: image at 95ms

Using the First function: two replicas, the first answer wins
replica 2 result for "golang"

29.505999ms
  late answers, which nobody reads: replica 1 at 92.6ms

Google Search 3.0: 2.1 with the first of 2 replicas of each service
[web2 result for "golang"
 video1 result for "golang"
 image1 result for "golang"
]
61.725731ms
  late answers, which nobody reads: web1 at 72ms, image2 at 86.4ms

Going further: 3.0 through FirstContext; the searches nobody waits for stop at once
[web2 result for "golang"
 video1 result for "golang"
 image1 result for "golang"
]
61.725731ms
  stopped without an answer: web1 at 19.1ms, video2 at 44.9ms, image2 at 61.7ms
`

func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		show(&out, 2, 28)
		if out.String() != page {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), page)
		}
	})
}

func TestShowLeavesNoGoroutineBehind(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{28, 1, 12} {
		synctest.Test(t, func(t *testing.T) {
			before := bubbled()
			show(new(bytes.Buffer), 2, seed)
			if n := bubbled() - before; n != 0 {
				t.Fatalf("seed %d: %d goroutines still sleeping or blocked when show returned, want 0: "+
					"a search that answered after its version returned could not send its result (a result channel needs room for every search)", seed, n)
			}
		})
	}
}

func TestReplicasOneGives30OneReplicaOfEachService(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// With one replica each there are no losers: 3.0 waits for web1,
		// the slowest (72.0ms), and nothing answers or stops late.
		var out bytes.Buffer
		show(&out, 1, 28)
		want := `
Google Search 3.0: 2.1 with the first of 1 replicas of each service
[video1 result for "golang"
 image1 result for "golang"
 web1 result for "golang"
]
71.951102ms

Going further: 3.0 through FirstContext; the searches nobody waits for stop at once
[video1 result for "golang"
 image1 result for "golang"
 web1 result for "golang"
]
71.951102ms
`
		if !strings.HasSuffix(out.String(), want) {
			t.Errorf("-replicas 1 printed:\n%s\nwant it to end:\n%s", out.String(), want)
		}
	})
}

func TestCheckAcceptsTheStatedBoundsOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		replicas int
		args     []string
		ok       bool
	}{
		{1, nil, true}, {maxReplicas, nil, true},
		{0, nil, false}, {maxReplicas + 1, nil, false},
		{2, []string{"extra"}, false},
	} {
		if err := check(c.replicas, c.args); (err == nil) != c.ok {
			t.Errorf("check(%d, %q) = %v, want ok %t", c.replicas, c.args, err, c.ok)
		}
	}
}

func TestLatenciesAreUnder100msAndDependOnSeedKindAndQuery(t *testing.T) {
	t.Parallel()
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
