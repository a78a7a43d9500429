package main

import (
	"bytes"
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

// The README's sample: -seed 3 with the default -n 5.
func TestRunWithASeedPrintsExactlyThis(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// Seed 3 draws Joe's pauses 31, 155, 29, 171, 18ms and Ann's 100, 176,
		// 176, 121, 4ms: Joe speaks at 31, 186, 215, 386 and 404ms, Ann at 100,
		// 276, 452, 573 and 577ms, and main hears them in that order, Joe
		// twice in a row twice.
		want := header + `
  31ms Joe: 0
 100ms Ann: 0
 186ms Joe: 1
 215ms Joe: 2
 276ms Ann: 1
 386ms Joe: 3
 404ms Joe: 4
 452ms Ann: 2
 573ms Ann: 3
 577ms Ann: 4
 577ms You're both boring; I'm leaving.
`
		if got := runOK(t, "-seed", "3"); got != want {
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

// -n is how many messages each speaker sends: 0 gives only the leaving line,
// and the largest n is heard whole, every message once and in order.
func TestRunSendsNMessagesEach(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		if got, want := runOK(t, "-n", "0", "-seed", "1"), header+"\n   0ms You're both boring; I'm leaving.\n"; got != want {
			t.Fatalf("-n 0 printed:\n%s\nwant:\n%s", got, want)
		}
		lines := strings.Split(strings.TrimSuffix(runOK(t, "-n", "1000", "-seed", "1"), "\n"), "\n")
		c := make(chan string, len(lines))
		for _, l := range lines[1 : len(lines)-1] {
			_, said, _ := strings.Cut(l, "ms ")
			c <- said
		}
		close(c)
		checkFannedIn(t, c, map[string]int{"Joe": 1000, "Ann": 1000})
	})
}
