package main

import (
	"bytes"
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

// ms is n milliseconds.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// every returns a pause source that always gives d.
func every(d time.Duration) func() time.Duration {
	return func() time.Duration { return d }
}

// Seed 1 draws pauses of 99, 10, 86, 91, 28ms: boring says four messages
// while main listens; its fifth, at 286ms, after main has left, is lost.
func TestRunWithFixedSeed(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		got := runOK(t, "-seed", "1", "-n", "6")
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
