package main

import (
	"bytes"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
)

// TestMain lets the demo's deadlock child run in a test binary: showDeadlock
// starts this binary again with deadlockEnv=1, and then it must run the
// program's main, not the tests.
func TestMain(m *testing.M) {
	if os.Getenv(deadlockEnv) == "1" {
		main()
	}
	os.Exit(m.Run())
}

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

// pingFirst swaps ping and pong in out if pong hit first (the scheduler's
// choice), so that the output can be compared with one text.
func pingFirst(out string) string {
	if !strings.Contains(out, "   0ms pong 1\n") {
		return out
	}
	return hitLine.ReplaceAllStringFunc(out, func(line string) string {
		return strings.NewReplacer("ping", "pong", "pong", "ping").Replace(line)
	})
}

var hitLine = regexp.MustCompile(`(?m)^ +[0-9]+ms (ping|pong) [0-9]+$`)

func TestRunWithASeedIsExactAndLeavesNoGoroutine(t *testing.T) {
	const wantTemplate = `Advanced Go Concurrency Patterns: ping-pong, a deadlock, then three fake feeds merged until Close.

Example: ping-pong. Each player holds the ball 10ms; main wakes at 95ms, queues behind the waiting player and gets the ball one hit later.
   0ms ping 1
  10ms pong 2
  20ms ping 3
  30ms pong 4
  40ms ping 5
  50ms pong 6
  60ms ping 7
  70ms pong 8
  80ms ping 9
  90ms pong 10
 100ms ping 11
 110ms main has the ball

Deadlock detection: the same game, but nobody tosses the ball (a child process runs it).
DEADLOCK
Example: three fake feeds merged into one stream; Close after 300ms.
  10ms blog.golang.org Item 0
  20ms googleblog.blogspot.com Item 0
  30ms googledevelopers.blogspot.com Item 0
 130ms googledevelopers.blogspot.com Item 1
 170ms googleblog.blogspot.com Item 1
 210ms blog.golang.org Item 1
 210ms blog.golang.org Item 2
 280ms googledevelopers.blogspot.com Item 2
 300ms closed: <nil>
`
	want := strings.Replace(wantTemplate, "DEADLOCK", wantDeadlock(), 1)
	// The deadlock child is a real process: the bubble's clock stands still
	// while run waits for it.
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		if got := pingFirst(runOK(t, "-seed", "1")); got != want {
			t.Errorf("run -seed 1 printed:\n%s\nwant:\n%s", got, want)
		}
		if n := bubbled() - before; n != 0 {
			t.Fatalf("%d goroutines still alive when run returned, want 0", n)
		}
	})
}

func TestCloseZeroClosesBeforeAnyItem(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, feed, _ := strings.Cut(runOK(t, "-seed", "1", "-close", "0"), "Close after 0s.\n")
		if feed != "   0ms closed: <nil>\n" {
			t.Errorf("-close 0: the feed part printed %q, want only the close", feed)
		}
	})
}
