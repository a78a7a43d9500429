package main

import (
	"bytes"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// syncBuffer is a bytes.Buffer that a test can read while boring writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// pauses returns a pause source that returns ds in turn. boring asking for
// more pauses than that is a failure, and ends boring's goroutine, so that a
// boring that does not stop fails the test at once instead of hanging it.
func pauses(t *testing.T, ds ...time.Duration) func() time.Duration {
	i := 0
	return func() time.Duration {
		if i == len(ds) {
			t.Errorf("boring asked for pause %d, want only %d pauses", i+1, len(ds))
			runtime.Goexit()
		}
		i++
		return ds[i-1]
	}
}

// every returns k pauses of d.
func every(k int, d time.Duration) []time.Duration {
	return slices.Repeat([]time.Duration{d}, k)
}

var stamp = regexp.MustCompile(`^ *\d+ms `)

// canon sorts each run of lines that share one time stamp. Two goroutines that
// print at the same instant may print in either order (main's "I'm listening."
// and boring's first word, both at 0ms); everything else stays exact.
func canon(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i := 0; i < len(lines); {
		at := stamp.FindString(lines[i])
		j := i + 1
		for at != "" && j < len(lines) && stamp.FindString(lines[j]) == at {
			j++
		}
		slices.Sort(lines[i:j])
		i = j
	}
	return strings.Join(lines, "")
}

func TestCanonSortsOnlyLinesOfOneInstant(t *testing.T) {
	in := "header\n   0ms b\n   0ms a\n  10ms d\n  10ms c\n  20ms e\nseed\n"
	want := "header\n   0ms a\n   0ms b\n  10ms c\n  10ms d\n  20ms e\nseed\n"
	if got := canon(in); got != want {
		t.Fatalf("canon:\n%s\nwant:\n%s", got, want)
	}
}

// "Running it": called plainly, boring makes its caller wait until it is done.
// It says each message, then pauses, as in the talk.
func TestBoringSaysThenPausesAndStopsAfterN(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		start := time.Now()
		boring(newStampWriter(&out), "boring!", 3, pauses(t, 10*time.Millisecond, 20*time.Millisecond, 30*time.Millisecond))
		if d := time.Since(start); d != 60*time.Millisecond {
			t.Errorf("boring returned after %v, want its three pauses, 60ms", d)
		}
		want := "   0ms boring! 0\n  10ms boring! 1\n  30ms boring! 2\n"
		if out.String() != want {
			t.Errorf("boring said:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}

func TestBoringWithNZeroSaysNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		boring(&out, "boring!", 0, pauses(t))
		if out.Len() != 0 {
			t.Errorf("boring said %q, want nothing", out.String())
		}
	})
}

// Like the talk's loop, boring with n < 0 never stops by itself: it is still
// talking after 200 messages, where the test ends it.
func TestBoringWithNegativeNTalksOn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out syncBuffer
		calls := 0
		go boring(&out, "boring!", -1, func() time.Duration {
			if calls++; calls > 200 {
				runtime.Goexit() // boring is still going: enough
			}
			return time.Millisecond
		})
		time.Sleep(time.Second)
		if got := strings.Count(out.String(), "\n"); got != 201 {
			t.Errorf("boring with n = -1 said %d messages before the test stopped it, want 201", got)
		}
	})
}

// "Ignoring it": the go statement does not make main wait. main returns at
// once; boring goes on by itself.
func TestIgnoringItReturnsAtOnceWhileBoringGoesOn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out syncBuffer
		start := time.Now()
		ignoringIt(newStampWriter(&out), 3, pauses(t, every(3, 10*time.Millisecond)...))
		if d := time.Since(start); d != 0 {
			t.Fatalf("ignoringIt returned after %v, want at once", d)
		}
		time.Sleep(time.Second) // boring ends after 30ms; synctest.Test would wait for it anyway
		want := "   0ms boring! 0\n  10ms boring! 1\n  20ms boring! 2\n"
		if out.String() != want {
			t.Errorf("after main returned boring said:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}

// "Ignoring it a little less": main and boring speak at the same time, and
// main leaves after listening while boring is still talking.
func TestMainListensThenLeavesWhileBoringTalks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out syncBuffer
		w := newStampWriter(&out)
		start := time.Now()
		ignoringItALittleLess(w, 100*time.Millisecond, 6, pauses(t, every(6, 30*time.Millisecond)...))
		if d := time.Since(start); d != 100*time.Millisecond {
			t.Fatalf("main left after %v, want after listening 100ms", d)
		}
		atLeaving := `   0ms I'm listening.
   0ms boring! 0
  30ms boring! 1
  60ms boring! 2
  90ms boring! 3
 100ms You're boring; I'm leaving.
`
		if got := out.String(); canon(got) != canon(atLeaving) {
			t.Fatalf("when main left the output was:\n%s\nwant (the 0ms lines in either order):\n%s", got, atLeaving)
		}
		time.Sleep(time.Second)
		later := atLeaving + " 120ms boring! 4\n 150ms boring! 5\n"
		if got := out.String(); canon(got) != canon(later) {
			t.Errorf("boring did not go on after main left:\n%s\nwant:\n%s", got, later)
		}
	})
}

func TestStampWriterStampsLinesAndTakesNoneAfterExit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		w := newStampWriter(&out)
		fmt.Fprintln(w, "first")
		time.Sleep(1234 * time.Millisecond)
		fmt.Fprintln(w, "second")
		w.exit("last\n")
		if n, err := fmt.Fprintln(w, "lost"); n != 5 || err != nil {
			t.Errorf("a write after exit returned %d, %v; want 5, nil (the writer just drops it)", n, err)
		}
		want := "   0ms first\n1234ms second\nlast\n"
		if out.String() != want {
			t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}

// main and boring write at the same time; under -race, a stampWriter without
// its mutex fails here, and without -race its lines would come out torn.
func TestStampWriterIsSafeForTwoGoroutines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		w := newStampWriter(&out)
		var wg sync.WaitGroup
		for _, who := range []string{"main", "boring"} {
			wg.Go(func() {
				for i := range 200 {
					fmt.Fprintln(w, who, i)
				}
			})
		}
		wg.Wait()
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) != 400 {
			t.Fatalf("got %d lines, want 400", len(lines))
		}
		for _, l := range lines {
			if !regexp.MustCompile(`^   0ms (main|boring) \d+$`).MatchString(l) {
				t.Fatalf("torn line %q", l)
			}
		}
	})
}

func TestRandomPausesAreWholeMillisecondsUnder100(t *testing.T) {
	p := randomPauses(1, 1)
	lo, hi := time.Hour, time.Duration(-1)
	for range 10_000 {
		d := p()
		if d%time.Millisecond != 0 {
			t.Fatalf("pause %v is not whole milliseconds", d)
		}
		lo, hi = min(lo, d), max(hi, d)
	}
	if lo != 0 || hi != 99*time.Millisecond {
		t.Errorf("10,000 pauses ranged over [%v, %v], want [0, 99ms]", lo, hi)
	}
}

func TestRandomPausesReplayBySeedAndDifferByStream(t *testing.T) {
	draw := func(seed, stream uint64) []time.Duration {
		p := randomPauses(seed, stream)
		var ds []time.Duration
		for range 20 {
			ds = append(ds, p())
		}
		return ds
	}
	if a, b := draw(7, 1), draw(7, 1); !slices.Equal(a, b) {
		t.Errorf("seed 7 stream 1 gave %v, then %v", a, b)
	}
	if a, b := draw(7, 1), draw(7, 2); slices.Equal(a, b) {
		t.Errorf("streams 1 and 2 of seed 7 both gave %v", a)
	}
	if a, b := draw(7, 1), draw(8, 1); slices.Equal(a, b) {
		t.Errorf("seeds 7 and 8 both gave %v", a)
	}
}
