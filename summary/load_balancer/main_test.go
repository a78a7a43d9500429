package main

import (
	"bytes"
	"strings"
	"testing"
	"testing/synctest"
)

// The page's sample: what go run ./summary/load_balancer prints with its
// default flags, in virtual time, where every sleep ends exactly on time. A
// real run prints other numbers: the same workload, not the same timings.
const defaultOutput = `load_balancer: 100 requesters send 10 requests each to 10 workers (work up to 10ms, pauses up to 20ms)
variance: of pending requests across workers, after each event, averaged over the run
latency: from a requester's send to its answer
policy     requests variance        p50        p99
heap           1000    0.298   36.921ms   57.357ms
roundrobin     1000    9.560   35.544ms   76.146ms
least loaded first: the heap keeps pending work more even than round robin (variance 0.298 < 9.560)
`

func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		show(&out, roundRobins("both"), 100, 10, 10, 1)
		if out.String() != defaultOutput {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), defaultOutput)
		}
	})
}

func TestPolicyRunsOneOrBothOnTheSameWorkload(t *testing.T) {
	t.Parallel()
	lines := strings.SplitAfter(defaultOutput, "\n")
	for policy, row := range map[string]string{"heap": lines[4], "roundrobin": lines[5]} {
		synctest.Test(t, func(t *testing.T) {
			// The same seed gives the same workload, so each policy's row is
			// the row it has when both run.
			var out bytes.Buffer
			show(&out, roundRobins(policy), 100, 10, 10, 1)
			if want := strings.Join(lines[:4], "") + row; out.String() != want {
				t.Errorf("-policy %s: got\n%s\nwant\n%s", policy, out.String(), want)
			}
		})
	}
}

func TestShowWithNoRequestsPrintsNoLatency(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		show(&out, roundRobins("both"), 1, 1, 0, 3)
		want := `load_balancer: 1 requesters send 0 requests each to 1 workers (work up to 1ms, pauses up to 2ms)
variance: of pending requests across workers, after each event, averaged over the run
latency: from a requester's send to its answer
policy     requests variance        p50        p99
heap              0    0.000          -          -
roundrobin        0    0.000          -          -
on this run the heap is no more even than round robin (variance 0.000 >= 0.000)
`
		if out.String() != want {
			t.Errorf("got\n%s\nwant\n%s", out.String(), want)
		}
	})
}

func TestCheckAcceptsTheStatedBoundsOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		policy              string
		requesters, workers int
		n                   int
		args                []string
		ok                  bool
	}{
		{"both", 1, 1, 0, nil, true}, {"heap", 1000, 100, 1000, nil, true}, {"roundrobin", 100, 10, 10, nil, true},
		{"Heap", 100, 10, 10, nil, false}, {"", 100, 10, 10, nil, false},
		{"both", 0, 10, 10, nil, false}, {"both", 1001, 10, 10, nil, false},
		{"both", 100, 0, 10, nil, false}, {"both", 100, 101, 10, nil, false},
		{"both", 100, 10, -1, nil, false}, {"both", 100, 10, 1001, nil, false},
		{"both", 100, 10, 10, []string{"extra"}, false},
	} {
		if err := check(c.policy, c.requesters, c.workers, c.n, c.args); (err == nil) != c.ok {
			t.Errorf("check(%q, %d, %d, %d, %q) = %v, want ok %t", c.policy, c.requesters, c.workers, c.n, c.args, err, c.ok)
		}
	}
}

// The ledger names a worker left running by where it waits: what the
// program's last line shows if balance forgets to close a worker's requests.
func TestLedgerNamesAWorkerLeftRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBalancer(1, 1)
		synctest.Wait() // the worker waits for a request
		var out bytes.Buffer
		ledger(&out, 0)
		for _, want := range []string{"goroutines still running: ", "receiving from a channel in (*Worker).work at load_balancer.go:"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("ledger printed:\n%s\nwant a line with %q", out.String(), want)
			}
		}
		close(b.pool[0].requests)
		b.workers.Wait()
	})
}
