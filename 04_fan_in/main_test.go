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

// every returns a pause source that always gives d.
func every(d time.Duration) func() time.Duration {
	return func() time.Duration { return d }
}

// The page's sample: what go run ./04_fan_in prints with its default flags.
func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// Seed 3 draws Joe's pauses 31, 155, 29, 171, 18ms and Ann's 100, 176,
		// 176, 121, 4ms: Joe speaks at 31, 186, 215, 386 and 404ms, Ann at 100,
		// 276, 452, 573 and 577ms, and main hears them in that order, Joe
		// twice in a row twice. No two speakers' lines come within 5ms.
		want := `Joe and Ann speak through one channel; main hears whoever is ready first.
  31ms Joe: 0
 100ms Ann: 0
 186ms Joe: 1
 215ms Joe: 2
 276ms Ann: 1
 386ms Joe: 3
 404ms Joe: 4
 452ms Ann: 2
 573ms Ann: 3
 577ms Ann: 4
 577ms You're both boring; I'm leaving.
`
		var out bytes.Buffer
		show(&out, 5, 3)
		if out.String() != want {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
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
				"a speaker or a fanIn goroutine is still pausing or waiting (did main receive every message?)", n)
		}
	})
}

// -n is how many messages each speaker sends: 0 gives only the leaving line,
// and the largest n is heard whole, every message once and in order.
func TestShowSendsNMessagesEach(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		show(&out, 0, 1)
		if _, got, _ := strings.Cut(out.String(), "\n"); got != "   0ms You're both boring; I'm leaving.\n" {
			t.Fatalf("-n 0 printed %q after the header, want only the leaving line", got)
		}
		out.Reset()
		show(&out, 1000, 1)
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		c := make(chan string, len(lines))
		for _, l := range lines[1 : len(lines)-1] {
			_, said, _ := strings.Cut(l, "ms ")
			c <- said
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

// bubbled reads the runtime's goroutine headers, "goroutine N [state, synctest
// bubble B]:", a format no API promises: this fails if a Go release changes it.
func TestBubbledCountsTheBubblesGoroutines(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		stop := make(chan struct{})
		for range 3 {
			go func() { <-stop }()
		}
		if n := bubbled(); before < 1 || n != before+3 {
			t.Fatalf("bubbled counted %d goroutines, then %d after 3 more started: "+
				"has the runtime changed its goroutine headers?", before, n)
		}
		close(stop)
	})
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
