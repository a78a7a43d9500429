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

// The page's sample: what go run ./05_sync_fan_in prints with its default flags.
func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// Seed 15 draws Joe's pauses 51, 127, 115, 106, 52ms and Ann's 183,
		// 59, 22, 24, 166ms. Each round starts when the one before ended, at
		// 0, 183, 310, 425 and 531ms: Joe, ready at 51ms, waits until Ann has
		// spoken at 183ms; then Ann comes first three rounds running, and Joe
		// again in the last. No two speakers' lines come within 5ms.
		want := `Joe and Ann speak through one channel; each waits for main's go-ahead after every message.
  51ms Joe: 0
 183ms Ann: 0
 242ms Ann: 1
 310ms Joe: 1
 332ms Ann: 2
 425ms Joe: 2
 449ms Ann: 3
 531ms Joe: 3
 583ms Joe: 4
 697ms Ann: 4
 697ms You're all boring; I'm leaving.
`
		var out bytes.Buffer
		show(&out, 5, 15)
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
				"a speaker still waits for its go-ahead, or a fanIn goroutine to pass a Message on (did main run all n rounds?)", n)
		}
	})
}

// -n is the number of rounds: each pair of lines holds "Joe: r" and "Ann: r",
// in either order, for r from 0 to n-1; then main leaves. -n 0 leaves at once.
func TestShowHoldsNRounds(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 5, 1000} {
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			show(&out, n, 1)
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if len(lines) != 2*n+2 || !strings.HasSuffix(lines[2*n+1], "ms You're all boring; I'm leaving.") {
				t.Fatalf("-n %d: %d lines, want the header, %d rounds of 2 and the leaving line", n, len(lines), n)
			}
			for r := range n {
				_, a, _ := strings.Cut(lines[1+2*r], "ms ") // without the time column
				_, b, _ := strings.Cut(lines[2+2*r], "ms ")
				joe, ann := fmt.Sprint("Joe: ", r), fmt.Sprint("Ann: ", r)
				if !(a == joe && b == ann || a == ann && b == joe) {
					t.Fatalf("-n %d: round %d holds %q and %q, want %q and %q: someone spoke twice in a round", n, r, a, b, joe, ann)
				}
			}
		})
	}
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
