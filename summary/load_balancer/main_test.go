package main

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
)

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

const wantSeed1 = `load_balancer: 100 requesters send 10 requests each to 10 workers (work up to 10ms, pauses up to 20ms)
variance: of pending requests across workers, after each event, averaged over the run
latency: from a requester's send to its answer
policy     requests variance        p50        p99
heap           1000    0.298   36.921ms   57.357ms
roundrobin     1000    9.560   35.544ms   76.146ms
least loaded first: the heap keeps pending work more even than round robin (variance 0.298 < 9.560)
`

func TestRunWithSeedIsExactAndLeavesNoGoroutine(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		if got := runOK(t, "-seed", "1"); got != wantSeed1 {
			t.Errorf("got\n%s\nwant\n%s", got, wantSeed1)
		}
		if n := bubbled() - before; n != 0 {
			t.Fatalf("%d goroutines still alive when run returned, want 0", n)
		}
	})
}

func TestPolicyRunsOneOrBothOnTheSameWorkload(t *testing.T) {
	t.Parallel()
	lines := strings.SplitAfter(wantSeed1, "\n")
	for policy, row := range map[string]string{"heap": lines[4], "roundrobin": lines[5]} {
		synctest.Test(t, func(t *testing.T) {
			// The same seed gives the same workload, so each policy's row is
			// the row it has when both run.
			if got, want := runOK(t, "-seed", "1", "-policy", policy), strings.Join(lines[:4], "")+row; got != want {
				t.Errorf("-policy %s: got\n%s\nwant\n%s", policy, got, want)
			}
		})
	}
	if err := run(new(bytes.Buffer), []string{"-policy", "Heap"}); err == nil || !strings.Contains(err.Error(), "-policy must be heap, roundrobin or both") {
		t.Errorf("-policy Heap: %v, want an error naming -policy", err)
	}
}

func TestRunWithNoRequestsPrintsNoLatency(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		got := runOK(t, "-seed", "3", "-n", "0", "-requesters", "1", "-workers", "1")
		want := `load_balancer: 1 requesters send 0 requests each to 1 workers (work up to 1ms, pauses up to 2ms)
variance: of pending requests across workers, after each event, averaged over the run
latency: from a requester's send to its answer
policy     requests variance        p50        p99
heap              0    0.000          -          -
roundrobin        0    0.000          -          -
on this run the heap is no more even than round robin (variance 0.000 >= 0.000)
`
		if got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
}
