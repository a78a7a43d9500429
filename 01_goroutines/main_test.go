package main

import (
	"fmt"
	"regexp"
	"runtime"
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

// untilExit keeps what is written to it until exit is called; after that, a
// goroutine that writes to it ends there (runtime.Goexit), as the process
// exit ends boring once main has returned.
type untilExit struct {
	mu     sync.Mutex
	out    strings.Builder
	exited bool
}

func (u *untilExit) Write(p []byte) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.exited {
		runtime.Goexit()
	}
	return u.out.Write(p)
}

func (u *untilExit) exit() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.exited = true
	return u.out.String()
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
		var out untilExit
		show(&out, 200*time.Millisecond, -1, 9)
		var ledgered strings.Builder
		ledger(&ledgered, 0)
		got := out.exit()
		time.Sleep(maxPause) // boring wakes, writes, and ends there
		if got != want && got != swapped {
			t.Errorf("output:\n%s\nwant:\n%s", got, want)
		}
		if !regexp.MustCompile(`\n  1 sleeping in boring at goroutines\.go:\d+\n`).MatchString(ledgered.String()) {
			t.Errorf("after show returned the ledger printed:\n%s\nwant it to name boring, still sleeping between two messages", ledgered.String())
		}
	})
}

// -listen 0s is the talk's "Ignoring it": show returns at once, and boring
// says its messages after that, if the program lives long enough.
func TestShowListenZeroIsIgnoringIt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		out := newTranscript()
		show(out, 0, 3, 9)
		if got := out.String(); !strings.HasSuffix(got, "   0ms main runs go boring(\"boring!\") and returns at once (\"Ignoring it\"):\n") {
			t.Errorf("show printed:\n%s\nwant only the header, and perhaps boring's first line, before it returned at once", got)
		}
		time.Sleep(time.Second)
		if got, want := strings.Count(out.String(), "boring! "), 3; got != want {
			t.Errorf("boring said %d messages after show returned, want %d", got, want)
		}
	})
}

func TestCheckAcceptsTheStatedBoundsOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		listen time.Duration
		n      int
		args   []string
		ok     bool
	}{
		{0, -1, nil, true}, {10 * time.Second, 1000, nil, true},
		{-time.Millisecond, 5, nil, false}, {10*time.Second + time.Millisecond, 5, nil, false},
		{0, -2, nil, false}, {0, 1001, nil, false}, {0, 5, []string{"extra"}, false},
	} {
		if err := check(c.listen, c.n, c.args); (err == nil) != c.ok {
			t.Errorf("check(%v, %d, %q) = %v, want ok %t", c.listen, c.n, c.args, err, c.ok)
		}
	}
}
