package main

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// ms is n milliseconds.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// every returns a pause source that always gives d.
func every(d time.Duration) func() time.Duration {
	return func() time.Duration { return d }
}

// A transcript records each line written to it with the time since its
// creation, in milliseconds. main and boring may write to it at once, and a
// test may read it while boring still writes.
type transcript struct {
	mu    sync.Mutex
	start time.Time
	lines []string
}

func newTranscript() *transcript { return &transcript{start: time.Now()} }

func (t *transcript) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, fmt.Sprintf("%4dms %s", time.Since(t.start).Milliseconds(), p))
	return len(p), nil
}

// String returns the lines so far, those of one instant sorted: main's and
// boring's first lines (0ms) may come in either order.
func (t *transcript) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(slices.Sorted(slices.Values(t.lines)), "")
}

// runNow runs the program with args and returns what it printed by the time
// run returned; an error fails the test.
func runNow(t *testing.T, args ...string) string {
	t.Helper()
	out := newTranscript()
	if err := run(out, args); err != nil {
		t.Fatalf("run(%q): %v", args, err)
	}
	return out.String()
}

// Seed 1 draws pauses of 99, 10, 86, 91, 28ms: boring says four messages
// while main listens; its fifth, at 286ms, comes after run has returned: in a
// real run the process has exited by then.
func TestRunWithFixedSeed(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		got := runNow(t, "-seed", "1", "-n", "6")
		time.Sleep(time.Second) // boring ends after its sixth pause
		want := `   0ms I'm listening.
   0ms boring! 0
   0ms main runs go boring("boring!"), listens for 200ms, then leaves:
  99ms boring! 1
 109ms boring! 2
 195ms boring! 3
 200ms You're boring; I'm leaving.
`
		if got != want {
			t.Errorf("output:\n%s\nwant (the lines of one instant sorted):\n%s", got, want)
		}
	})
}

// -listen 0 is the talk's "Ignoring it": main says nothing and leaves at
// once; boring gets at most its first word in before run returns.
func TestRunListenZeroIsIgnoringIt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		got := runNow(t, "-listen", "0", "-n", "3", "-seed", "1")
		time.Sleep(time.Second)
		header := "   0ms main runs go boring(\"boring!\") and returns at once (\"Ignoring it\"):\n"
		if got != header && got != "   0ms boring! 0\n"+header {
			t.Errorf("output:\n%s\nwant the header and at most \"boring! 0\"", got)
		}
	})
}
