package main

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
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

// The page's sample: what go run ./03_generator prints with its default flags.
func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// Seed 24 draws boring!'s pauses 36, 58, 12, 37, 6ms, Joe's 82, 74, 61,
		// 4, 43ms and Ann's 42, 41, 98, 98, 18ms. Ann is ready with "Ann: 0" at
		// 42ms and "Ann: 1" at 123ms, but each time waits for main to hear Joe;
		// Joe is ready with "Joe: 3" at 221ms and "Joe: 4" at 297ms, but each
		// time waits for main to hear Ann. No two ready moments of Joe and Ann
		// come within 5ms.
		want := `boring returns a channel; main hears 5 messages on it, then leaves:
  36ms You say: "boring! 0"
  94ms You say: "boring! 1"
 106ms You say: "boring! 2"
 143ms You say: "boring! 3"
 149ms You say: "boring! 4"
 149ms You're boring; I'm leaving.

Joe and Ann are two boring services; main hears Joe, then Ann, 5 times:
  82ms Joe: 0
  82ms Ann: 0
 156ms Joe: 1
 156ms Ann: 1
 217ms Joe: 2
 254ms Ann: 2
 254ms Joe: 3
 352ms Ann: 3
 352ms Joe: 4
 370ms Ann: 4
 370ms You're both boring; I'm leaving.
`
		var out bytes.Buffer
		show(&out, 5, 24)
		if out.String() != want {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}

// Each generator pauses before it sends, so it ends as soon as main takes its
// last message: nothing is left sleeping or blocked when show returns.
func TestShowLeavesNoGoroutineBehind(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		show(new(bytes.Buffer), 5, 24)
		if n := bubbled() - before; n != 0 {
			t.Fatalf("%d goroutines still sleeping or blocked when show returned, want 0: a service still waits to send a message main never receives, or sleeps on", n)
		}
	})
}

// -n is how many messages main hears from each service: none with 0, every
// one of 1000.
func TestShowSendsNMessagesEach(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		for _, n := range []int{0, 1000} {
			var out bytes.Buffer
			show(&out, n, 24)
			for _, who := range []string{`You say: "boring! `, "Joe: ", "Ann: "} {
				if c := strings.Count(out.String(), who); c != n || n > 0 && !strings.Contains(out.String(), who+"999") {
					t.Errorf("-n %d: main heard %q %d times, want %d, up to 999", n, who, c, n)
				}
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
