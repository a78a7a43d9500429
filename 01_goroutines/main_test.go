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

// Seed 1 draws pauses of 99, 10, 86, 91, 28ms: boring says four messages
// while main listens; run returns with boring still running, and its fifth
// message, at 286ms, is lost.
func TestRunWithFixedSeedReturnsWithBoringStillTalking(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		got := runOK(t, "-seed", "1", "-n", "6")
		if n := bubbled() - before; n != 1 {
			t.Errorf("%d goroutines alive when run returned, want 1: boring", n)
		}
		time.Sleep(time.Second) // boring ends after its sixth pause; nobody hears it
		want := `main runs go boring("boring!"), listens for 200ms, then leaves:
   0ms I'm listening.
   0ms boring! 0
  99ms boring! 1
 109ms boring! 2
 195ms boring! 3
 200ms You're boring; I'm leaving.
`
		if !strings.HasPrefix(got, "main runs") || !sameLines(got, want) {
			t.Errorf("output:\n%s\nwant (the 0ms lines in either order):\n%s", got, want)
		}
	})
}

// -listen 0 is the talk's "Ignoring it": main says nothing and leaves at
// once; boring gets at most its first word in before run returns.
func TestRunListenZeroIsIgnoringIt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		got := runOK(t, "-listen", "0", "-n", "3", "-seed", "1")
		time.Sleep(time.Second)
		header := "main runs go boring(\"boring!\") and returns at once (\"Ignoring it\"):\n"
		if got != header && got != header+"   0ms boring! 0\n" {
			t.Errorf("output:\n%s\nwant the header and at most \"   0ms boring! 0\"", got)
		}
	})
}
