package main

import (
	"bytes"
	"regexp"
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

// masked replaces rule 3's counts with N: the runtime's own random choice
// makes them, and no seed reaches it.
func masked(out string) string {
	return regexp.MustCompile(`c1 \d+, c2 \d+ times`).ReplaceAllString(out, "c1 N, c2 N times")
}

func TestRunWithASeedPrintsExactlyThis(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// Seed 3 draws Joe's pauses 15, 77, 14, 85, 9ms and Ann's 50, 88, 88,
		// 60, 2ms: main hears the talk's ten messages, five from each.
		want := header + `
1. All channels are evaluated: 4 of 4 expressions ran on entry, then "received 1 from c1".
2. It blocks until one can proceed: it waited 20ms, then "received 2 from c2".
3. If several can proceed, it picks pseudo-randomly: c1 N, c2 N times.
4. A default runs at once if none can: "no one was ready to communicate".
` + fanInHeader + `
  15ms Joe: 0
  50ms Ann: 0
  92ms Joe: 1
 106ms Joe: 2
 138ms Ann: 1
 191ms Joe: 3
 200ms Joe: 4
 226ms Ann: 2
 286ms Ann: 3
 288ms Ann: 4
 288ms You're both boring; I'm leaving.
Going further: a closed channel is ready 10000 of 10000 times; set to nil, 0.
`
		if got := masked(runOK(t, "-seed", "3")); got != want {
			t.Fatalf("output (rule 3's counts masked):\n%s\nwant:\n%s", got, want)
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
		lines := strings.Split(runOK(t, "-n", "0", "-seed", "1"), "\n")
		if got, want := lines[len(lines)-3], "   0ms You're both boring; I'm leaving."; got != want || lines[len(lines)-4] != fanInHeader {
			t.Fatalf("-n 0: after %q came %q, want %q", lines[len(lines)-4], got, want)
		}
		_, conv, _ := strings.Cut(runOK(t, "-n", "1000", "-seed", "1"), fanInHeader+"\n")
		c := make(chan string, 2000)
		for l := range strings.Lines(conv) {
			if _, said, _ := strings.Cut(strings.TrimSuffix(l, "\n"), "ms "); strings.HasPrefix(said, "Joe") || strings.HasPrefix(said, "Ann") {
				c <- said
			}
		}
		close(c)
		checkFannedIn(t, c, map[string]int{"Joe": 1000, "Ann": 1000})
	})
}
