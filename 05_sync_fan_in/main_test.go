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

// ms is n milliseconds.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// every returns a pause source that always gives d.
func every(d time.Duration) func() time.Duration {
	return func() time.Duration { return d }
}

// The README's sample.
func TestRunWithASeedPrintsExactlyThis(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// Seed 3 draws Joe's pauses 31, 155, 29ms and Ann's 100, 176, 176ms
		// (as in 04_fan_in, where Joe 1 came at 186ms): each round starts
		// when the last one ended, so Joe 1 comes at 100+155 = 255ms.
		want := header + `
  31ms Joe: 0
 100ms Ann: 0
 255ms Joe: 1
 276ms Ann: 1
 305ms Joe: 2
 452ms Ann: 2
 452ms You're all boring; I'm leaving.
`
		if got := runOK(t, "-n", "3", "-seed", "3"); got != want {
			t.Fatalf("output:\n%s\nwant:\n%s", got, want)
		}
	})
}

func TestRunLeavesNoGoroutineBehind(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		runOK(t, "-seed", "1")
		if n := bubbled() - before; n != 0 {
			t.Fatalf("%d goroutines still alive when run returned, want 0", n)
		}
	})
}

// -n is the number of rounds: each pair of lines holds "Joe: r" and "Ann: r",
// in either order, for r from 0 to n-1; then main leaves. -n 0 leaves at once.
func TestRunHoldsNRounds(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 5, maxN} {
		synctest.Test(t, func(t *testing.T) {
			lines := strings.Split(strings.TrimSuffix(runOK(t, "-n", fmt.Sprint(n), "-seed", "1"), "\n"), "\n")
			if len(lines) != 2*n+2 || !strings.HasSuffix(lines[2*n+1], "ms You're all boring; I'm leaving.") {
				t.Fatalf("-n %d: %d lines, want the header, %d rounds of 2 and the leaving line", n, len(lines), n)
			}
			for r := range n {
				_, a, _ := strings.Cut(lines[1+2*r], "ms ") // without the time column
				_, b, _ := strings.Cut(lines[2+2*r], "ms ")
				joe, ann := fmt.Sprint("Joe: ", r), fmt.Sprint("Ann: ", r)
				if !(a == joe && b == ann || a == ann && b == joe) {
					t.Fatalf("-n %d: round %d holds %q and %q, want %q and %q", n, r, a, b, joe, ann)
				}
			}
		})
	}
}
