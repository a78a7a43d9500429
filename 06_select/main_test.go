package main

import (
	"bytes"
	"fmt"
	"regexp"
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

// every returns a pause source that always gives d.
func every(d time.Duration) func() time.Duration {
	return func() time.Duration { return d }
}

// masked replaces rule 3's counts with N: the runtime's own random choice
// makes them, and no seed reaches it.
func masked(out string) string {
	return regexp.MustCompile(`c1 \d+, c2 \d+ times`).ReplaceAllString(out, "c1 N, c2 N times")
}

// The page's sample: what go run ./06_select prints with its default flags,
// but for rule 3's counts.
func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// Seed 3 draws 04_fan_in's pauses at half their length (up to 100ms
		// here, 200ms there): Joe's 15, 77, 14, 85, 9ms and Ann's 50, 88, 88,
		// 60, 2ms. Joe speaks twice in a row twice, Ann three times at the
		// end; no two speakers' lines come within 5ms.
		want := `1. All channels are evaluated: 4 of 4 expressions ran on entry, then "received 1 from c1".
2. It blocks until one can proceed: it waited 20ms, then "received 2 from c2".
3. If several can proceed, it picks pseudo-randomly: c1 N, c2 N times.
4. A default runs at once if none can: "no one was ready to communicate".
Fan-in using select: one goroutine serves both Joe and Ann.
  15ms Joe: 0
  50ms Ann: 0
  92ms Joe: 1
 106ms Joe: 2
 138ms Ann: 1
 191ms Joe: 3
 200ms Joe: 4
 226ms Ann: 2
 286ms Ann: 3
 288ms Ann: 4
 288ms You're both boring; I'm leaving.
Going further: a closed channel is ready 10000 of 10000 times; set to nil, 0.
`
		var out bytes.Buffer
		show(&out, 5, 3)
		if got := masked(out.String()); got != want {
			t.Fatalf("output (rule 3's counts masked):\n%s\nwant:\n%s", got, want)
		}
	})
}

func TestShowLeavesNoGoroutineBehind(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		show(new(bytes.Buffer), 5, 1)
		if n := bubbled() - before; n != 0 {
			t.Fatalf("show returned with %d goroutines still sleeping or blocked, want 0: "+
				"a speaker or fanIn's goroutine still waits to send (did main receive every message?)", n)
		}
	})
}

// -n is how many messages each speaker sends: 0 gives only the leaving line,
// and the largest n is heard whole, every message once and in order.
func TestShowSendsNMessagesEach(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const fanInHeader = "Fan-in using select: one goroutine serves both Joe and Ann.\n"
		var out bytes.Buffer
		show(&out, 0, 1)
		if _, conv, _ := strings.Cut(out.String(), fanInHeader); !strings.HasPrefix(conv, "   0ms You're both boring; I'm leaving.\nGoing further") {
			t.Fatalf("-n 0 printed %q after the fan-in header, want only the leaving line", conv)
		}
		out.Reset()
		show(&out, 1000, 1)
		_, conv, _ := strings.Cut(out.String(), fanInHeader)
		c := make(chan string, 2000)
		for l := range strings.Lines(conv) {
			if _, said, _ := strings.Cut(strings.TrimSuffix(l, "\n"), "ms "); strings.HasPrefix(said, "Joe") || strings.HasPrefix(said, "Ann") {
				c <- said
			}
		}
		close(c)
		checkFannedIn(t, c, map[string]int{"Joe": 1000, "Ann": 1000})
	})
}

func TestCheckAcceptsTheStatedBoundsOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n    int
		args []string
		ok   bool
	}{{0, nil, true}, {1000, nil, true}, {-1, nil, false}, {1001, nil, false}, {5, []string{"extra"}, false}} {
		if err := check(c.n, c.args); (err == nil) != c.ok {
			t.Errorf("check(%d, %q) = %v, want ok %t", c.n, c.args, err, c.ok)
		}
	}
}

// The ledger names each stuck goroutine by where it waits.
func TestLedgerNamesWhereGoroutinesAreStuck(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		stuck := make(chan string)
		_, _, line, _ := runtime.Caller(0)
		for range 2 {
			go func() { stuck <- "not yet received" }() // line+2: the line the ledger must name
		}
		synctest.Wait() // both are blocked in their send
		var out bytes.Buffer
		ledger(&out, 0)
		want := fmt.Sprintf("  2 sending on a channel in TestLedgerNamesWhereGoroutinesAreStuck.func1.1 at main_test.go:%d\n", line+2)
		if !strings.HasPrefix(out.String(), "goroutines still running: ") || !strings.Contains(out.String(), want) {
			t.Fatalf("ledger printed:\n%s\nwant a count, then the line\n%s", out.String(), want)
		}
		<-stuck
		<-stuck
	})
}
