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

// inOneOrder rewrites the lines whose values may come in either order into
// the order 4, 9.
func inOneOrder(s string) string {
	return strings.NewReplacer(
		"fan-out, fan-in: 9 4", "fan-out, fan-in: 4 9",
		"took 9; 4 was still on its way out of merge", "took 4; 9 was still on its way out of merge",
		"explicit cancellation: took 9", "explicit cancellation: took 4",
	).Replace(s)
}

// The page's sample: what go run ./summary/pipelines prints with its default
// flags. In virtual time each read takes exactly its 5ms: the serial MD5All
// takes 100 of them, the parallel one one, the bounded one 100/20.
func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	const want = `Pipelines: squares through gen, sq and merge, stopped early with done; then MD5All three ways.
square: 4 9
fan-out, fan-in: 4 9 (two sq stages: either order)
stopping short: took 4; 9 was still on its way out of merge (a leak, had we not drained it here)
explicit cancellation: took 4; closing done releases every stage (the last line counts any left)
MD5All of a temporary tree of 100 files, each read waiting 5ms first (a slow disk):
  way        time  most reads at once
  serial    500ms    1  one file after another
  parallel    5ms  100  a goroutine per file
  bounded    25ms   20  20 digesters
the three agree on all 100 sums
`
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		var out bytes.Buffer
		if err := show(&out, 20, 5*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if got := inOneOrder(out.String()); got != want {
			t.Errorf("show printed:\n%s\nwant:\n%s", got, want)
		}
		if n := bubbled() - before; n != 0 {
			t.Fatalf("%d goroutines still sleeping or blocked when show returned, want 0: a stage or a digester was left behind", n)
		}
	})
}

func TestCheckAcceptsTheStatedBoundsOnly(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	for _, c := range []struct {
		digesters int
		slow      time.Duration
		args      []string
		ok        bool
	}{
		{1, 0, nil, true}, {1000, 100 * ms, nil, true},
		{0, 0, nil, false}, {1001, 0, nil, false},
		{20, -1, nil, false}, {20, 100*ms + 1, nil, false},
		{20, 5 * ms, []string{"extra"}, false},
	} {
		if err := check(c.digesters, c.slow, c.args); (err == nil) != c.ok {
			t.Errorf("check(%d, %v, %q) = %v, want ok %t", c.digesters, c.slow, c.args, err, c.ok)
		}
	}
}
