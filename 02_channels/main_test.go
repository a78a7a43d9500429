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

// Seed 1 draws pauses of 99, 10, 86, 91ms...: main hears each message the
// moment boring sends it.
func TestRunWithFixedSeed(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		want := `main receives 5 messages from boring on an unbuffered channel, then leaves:
   0ms You say: "boring! 0"
  99ms You say: "boring! 1"
 109ms You say: "boring! 2"
 195ms You say: "boring! 3"
 286ms You say: "boring! 4"
 286ms You're boring; I'm leaving.

An aside about buffered channels: a sender sends 3 values as fast as it can;
a receiver takes one every 30ms.
  buffer 0: sends completed at 30ms 60ms 90ms
  buffer 1: sends completed at 0ms 30ms 60ms
  buffer 3: sends completed at 0ms 0ms 0ms
Unbuffered, each send waits for its receive; a buffer of k lets k sends go ahead.
`
		if got := runOK(t, "-seed", "1"); got != want {
			t.Errorf("output:\n%s\nwant:\n%s", got, want)
		}
	})
}

// main returns alone: boring's last pause ends during the aside.
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

// -n is how many messages main hears.
func TestRunNMessages(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		for _, n := range []int{0, 1000} {
			got := runOK(t, "-n", fmt.Sprint(n), "-seed", "1")
			if c := strings.Count(got, "You say: "); c != n || n > 0 && !strings.Contains(got, `"boring! 999"`) {
				t.Errorf("-n %d: main heard %d messages, want %d, up to \"boring! 999\"", n, c, n)
			}
		}
	})
}
