package main

import (
	"bytes"
	"io"
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

// crash is what a child built without -race printed to stderr when it ran
// pingPongDeadlock (cut short after the third goroutine's dump).
const crash = `fatal error: all goroutines are asleep - deadlock!

goroutine 1 [chan receive]:
main.pingPongDeadlock({0x4f3a20, 0xc000010018})
	/src/summary/subscription/subscription.go:97 +0xbb
main.main()
	/src/summary/subscription/main.go:21 +0x1d

goroutine 6 [chan receive]:
main.player({0x4f3a20, 0xc000010018}, {0x4c4a04, 0x4}, 0xc000020060)
	/src/summary/subscription/subscription.go:75 +0x37
created by main.pingPongDeadlock in goroutine 1
	/src/summary/subscription/subscription.go:92 +0x66

goroutine 7 [chan receive]:
main.player({0x4f3a20, 0xc000010018}, {0x4c4a08, 0x4}, 0xc000020060)
	/src/summary/subscription/subscription.go:75 +0x37
created by main.pingPongDeadlock in goroutine 1
	/src/summary/subscription/subscription.go:93 +0x66
`

// fakeDeadlock reports crash as showDeadlock reports a real child's.
func fakeDeadlock(w io.Writer) error {
	report(w, crash, 2)
	return nil
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

// The page's sample: what go run ./summary/subscription prints with its
// default flags (a real child's report in place of crash).
func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	const want = `Advanced Go Concurrency Patterns: ping-pong, a deadlock, then three fake feeds merged until Close.

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
  fatal error: all goroutines are asleep - deadlock!
  goroutine [chan receive] in pingPongDeadlock
  goroutine [chan receive] in player
  goroutine [chan receive] in player
  exit status 2

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
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		var out bytes.Buffer
		if err := show(&out, 300*time.Millisecond, 1, fakeDeadlock); err != nil {
			t.Fatal(err)
		}
		if got := pingFirst(out.String()); got != want {
			t.Errorf("show printed:\n%s\nwant:\n%s", got, want)
		}
		if n := bubbled() - before; n != 0 {
			t.Fatalf("%d goroutines still sleeping or blocked when show returned, want 0: a player, a subscription's loop or a merge goroutine was left behind", n)
		}
	})
}

func TestCloseZeroClosesBeforeAnyItem(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if err := show(&out, 0, 1, fakeDeadlock); err != nil {
			t.Fatal(err)
		}
		if _, feed, _ := strings.Cut(out.String(), "Close after 0s.\n"); feed != "   0ms closed: <nil>\n" {
			t.Errorf("-close 0: the feed part printed %q, want only the close", feed)
		}
	})
}

func TestCheckAcceptsTheStatedBoundsOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		d    time.Duration
		args []string
		ok   bool
	}{{0, nil, true}, {10 * time.Second, nil, true}, {-time.Nanosecond, nil, false}, {10*time.Second + time.Nanosecond, nil, false}, {0, []string{"extra"}, false}} {
		if err := check(c.d, c.args); (err == nil) != c.ok {
			t.Errorf("check(%v, %q) = %v, want ok %t", c.d, c.args, err, c.ok)
		}
	}
}

// The deadlock's report keeps the runtime's first line and a line for each
// goroutine it dumped, without numbers or addresses.
func TestDeadlockReportKeepsTheMessageAndEachGoroutine(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	report(&out, crash, 2)
	want := `  fatal error: all goroutines are asleep - deadlock!
  goroutine [chan receive] in pingPongDeadlock
  goroutine [chan receive] in player
  goroutine [chan receive] in player
  exit status 2
`
	if out.String() != want {
		t.Errorf("report printed:\n%s\nwant:\n%s", out.String(), want)
	}
}
