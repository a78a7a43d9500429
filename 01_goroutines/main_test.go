package main

import (
	"fmt"
	"regexp"
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

// A syncBuffer keeps what main and boring write to it; a test may read it
// while boring still writes.
type syncBuffer struct {
	mu  sync.Mutex
	out strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out.String()
}

// The page's sample: what go run ./01_goroutines prints with its default
// flags, its last line (the ledger's) included. Not parallel: the ledger
// counts every goroutine of the test binary, and boring's must be the only
// one sleeping in boring.
func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Seed 9 draws boring's pauses 33, 27, 56, 37, 85ms: it speaks at 0,
		// 33, 60, 116 and 153ms, and next at 238ms, 38ms after main has left.
		want := `main runs go boring("boring!"), listens for 200ms, then leaves:
I'm listening.
boring! 0
boring! 1
boring! 2
boring! 3
boring! 4
You're boring; I'm leaving.
`
		// main and boring both run from the start: their first lines may
		// come in either order.
		swapped := strings.Replace(want, "I'm listening.\nboring! 0\n", "boring! 0\nI'm listening.\n", 1)
		var out syncBuffer
		show(&out, 200*time.Millisecond, 9)
		var ledgered strings.Builder
		ledger(&ledgered, 0)
		got := out.String()
		time.Sleep(100 * time.Second) // boring's 1000 pauses, each under 100ms, are over: it has returned
		if got != want && got != swapped {
			t.Errorf("output:\n%s\nwant:\n%s", got, want)
		}
		if !regexp.MustCompile(`\n  1 sleeping in boring at goroutines\.go:\d+\n`).MatchString(ledgered.String()) {
			t.Errorf("after show returned the ledger printed:\n%s\nwant it to name boring, still sleeping between two messages", ledgered.String())
		}
	})
}

// -listen 0s is the talk's "Ignoring it": show returns at once, and boring
// talks after that, if the program lives long enough.
func TestShowListenZeroIsIgnoringIt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		out := newTranscript()
		show(out, 0, 9)
		if got := out.String(); !strings.HasSuffix(got, "   0ms main runs go boring(\"boring!\") and returns at once (\"Ignoring it\"):\n") {
			t.Errorf("show printed:\n%s\nwant only the header, and perhaps boring's first line, before it returned at once", got)
		}
		time.Sleep(100 * time.Second) // boring's 1000 pauses, each under 100ms, are over: it has returned
		if !strings.Contains(out.String(), "boring! 999\n") {
			t.Errorf("after show returned boring said:\n%s\nwant it to go on talking by itself, to its 1000th message", out.String())
		}
	})
}

func TestCheckAcceptsTheStatedBoundsOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		listen time.Duration
		args   []string
		ok     bool
	}{
		{0, nil, true}, {10 * time.Second, nil, true},
		{-time.Millisecond, nil, false}, {10*time.Second + time.Millisecond, nil, false},
		{0, []string{"extra"}, false},
	} {
		if err := check(c.listen, c.args); (err == nil) != c.ok {
			t.Errorf("check(%v, %q) = %v, want ok %t", c.listen, c.args, err, c.ok)
		}
	}
}
