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
`

func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		show(&out, 100, 10, 10, 1)
		if out.String() != defaultOutput {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), defaultOutput)
		}
	})
}

func TestShowWithNoRequestsPrintsNoLatency(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		show(&out, 1, 1, 0, 3)
		want := `load_balancer: 1 requesters send 0 requests each to 1 workers (work up to 1ms, pauses up to 2ms)
variance: of pending requests across workers, after each event, averaged over the run
latency: from a requester's send to its answer
policy     requests variance        p50        p99
heap              0    0.000          -          -
roundrobin        0    0.000          -          -
`
		if out.String() != want {
			t.Errorf("got\n%s\nwant\n%s", out.String(), want)
		}
	})
}

func TestCheckAcceptsTheStatedBoundsOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		requesters, workers, n int
		args                   []string
		ok                     bool
	}{
		{1, 1, 0, nil, true}, {1000, 100, 1000, nil, true},
		{0, 10, 10, nil, false}, {1001, 10, 10, nil, false},
		{100, 0, 10, nil, false}, {100, 101, 10, nil, false},
		{100, 10, -1, nil, false}, {100, 10, 1001, nil, false},
		{100, 10, 10, []string{"extra"}, false},
	} {
		if err := check(c.requesters, c.workers, c.n, c.args); (err == nil) != c.ok {
			t.Errorf("check(%d, %d, %d, %q) = %v, want ok %t", c.requesters, c.workers, c.n, c.args, err, c.ok)
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
