package main

import (
	"bytes"
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

// The page's sample: what go run ./02_channels prints with its default flags.
func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// Seed 9 draws boring's pauses 33, 27, 56, 37, 85ms: boring sends at
		// 0, 33, 60, 116 and 153ms, and main prints each message then.
		want := `main receives 5 messages from boring on an unbuffered channel, then leaves:
   0ms You say: "boring! 0"
  33ms You say: "boring! 1"
  60ms You say: "boring! 2"
 116ms You say: "boring! 3"
 153ms You say: "boring! 4"
 153ms You're boring; I'm leaving.

An aside about buffered channels: a sender sends 3 values as fast as it can;
a receiver takes one every 30ms.
  buffer 0: sends completed at [30ms 60ms 90ms]
  buffer 1: sends completed at [0s 30ms 60ms]
  buffer 3: sends completed at [0s 0s 0s]
Unbuffered, each send waits for its receive; a buffer of k lets k sends go ahead.
`
		var out bytes.Buffer
		show(&out, 5, 9)
		if out.String() != want {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}

// boring's last pause ends during the aside, so show returns alone.
func TestShowLeavesNoGoroutineBehind(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		show(new(bytes.Buffer), 5, 9)
		if n := bubbled() - before; n != 0 {
			t.Fatalf("%d goroutines still sleeping or blocked when show returned, want 0: boring still waits to send a message main never receives", n)
		}
	})
}

// -n is how many messages main hears: none with 0, every one of 1000.
func TestShowSendsNMessages(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		for _, n := range []int{0, 1000} {
			var out bytes.Buffer
			show(&out, n, 9)
			if c := strings.Count(out.String(), "You say: "); c != n || n > 0 && !strings.Contains(out.String(), `"boring! 999"`) {
				t.Errorf("-n %d: main heard %d messages, want %d, up to \"boring! 999\"", n, c, n)
			}
		}
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
