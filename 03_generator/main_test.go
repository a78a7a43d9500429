package main

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
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

// Seed 1 draws boring!'s pauses 99, 10, 86, 91, 28ms, Joe's 76, 61, 78, 79,
// 23ms and Ann's 56, 69, 99, 93, 56ms. Ann is ready with "Ann: 0" at 56ms
// but speaks at 76ms, after Joe; Joe is ready with "Joe: 4" at 317ms but
// speaks at 337ms, after Ann.
func TestRunWithFixedSeed(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		want := `boring returns a channel; main hears 5 messages on it, then leaves:
  99ms You say: "boring! 0"
 109ms You say: "boring! 1"
 195ms You say: "boring! 2"
 286ms You say: "boring! 3"
 314ms You say: "boring! 4"
 314ms You're boring; I'm leaving.

Joe and Ann are two boring services; main hears Joe, then Ann, 5 times:
  76ms Joe: 0
  76ms Ann: 0
 137ms Joe: 1
 145ms Ann: 1
 215ms Joe: 2
 244ms Ann: 2
 294ms Joe: 3
 337ms Ann: 3
 337ms Joe: 4
 393ms Ann: 4
 393ms You're both boring; I'm leaving.
`
		if got := runOK(t, "-seed", "1"); got != want {
			t.Errorf("output:\n%s\nwant:\n%s", got, want)
		}
	})
}

// Each generator closes its channel and ends as main takes its last message,
// so main returns alone.
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

// -n is how many messages main hears from each service.
func TestRunNMessages(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		for _, n := range []int{0, 1000} {
			got := runOK(t, "-n", fmt.Sprint(n), "-seed", "1")
			for _, who := range []string{`You say: "boring! `, "Joe: ", "Ann: "} {
				if c := strings.Count(got, who); c != n || n > 0 && !strings.Contains(got, who+"999") {
					t.Errorf("-n %d: main heard %q %d times, want %d, up to 999", n, who, c, n)
				}
			}
		}
	})
}
