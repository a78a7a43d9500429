package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

const ms = time.Millisecond

// after returns a latency function that always answers after d.
func after(d time.Duration) func(string) time.Duration {
	return func(string) time.Duration { return d }
}

// backends returns Backends with one server per kind answering after the
// given latencies, no replicas, and an 80ms timeout.
func backends(web, image, video time.Duration) *Backends {
	return &Backends{
		Web:     fakeSearch("web", after(web)),
		Image:   fakeSearch("image", after(image)),
		Video:   fakeSearch("video", after(video)),
		Timeout: 80 * ms,
	}
}

// results makes the Results the fake services give for "golang".
func results(kinds ...string) []Result {
	var rs []Result
	for _, k := range kinds {
		rs = append(rs, Result(fmt.Sprintf("%s result for %q\n", k, "golang")))
	}
	return rs
}

// timed runs google in the bubble and returns its results and virtual time.
func timed(google func(string) []Result) ([]Result, time.Duration) {
	start := time.Now()
	rs := google("golang")
	return rs, time.Since(start)
}

func TestFakeSearchAnswersAfterItsLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		r := fakeSearch("web", after(42*ms))(t.Context(), "golang")
		if want := Result("web result for \"golang\"\n"); r != want {
			t.Errorf("got %q, want %q", r, want)
		}
		if d := time.Since(start); d != 42*ms {
			t.Errorf("answered after %v, want 42ms", d)
		}
	})
}

func TestFakeSearchStopsWhenCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			time.Sleep(5 * ms)
			cancel()
		}()
		start := time.Now()
		if r := fakeSearch("web", after(time.Hour))(ctx, "golang"); r != "" {
			t.Errorf("a cancelled search returned %q, want nothing", r)
		}
		if d := time.Since(start); d != 5*ms {
			t.Errorf("stopped after %v, want at the cancel, 5ms", d)
		}
	})
}

func TestGoogle10TakesTheSumOfTheLatencies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		got, d := timed(backends(30*ms, 20*ms, 40*ms).Google10)
		if want := results("web", "image", "video"); !slices.Equal(got, want) {
			t.Errorf("results %q, want %q", got, want)
		}
		if d != 90*ms {
			t.Errorf("took %v, want 30+20+40 = 90ms", d)
		}
	})
}

func TestGoogle20TakesTheLargestLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		got, d := timed(backends(30*ms, 20*ms, 40*ms).Google20)
		if want := results("image", "web", "video"); !slices.Equal(got, want) {
			t.Errorf("results %q, want them in the order they came: %q", got, want)
		}
		if d != 40*ms {
			t.Errorf("took %v, want the largest latency, 40ms", d)
		}
	})
}

func TestGoogle21(t *testing.T) {
	for _, tc := range []struct {
		name              string
		web, image, video time.Duration
		want              []Result
		took              time.Duration
	}{
		{"all answer in time", 30 * ms, 20 * ms, 40 * ms, results("image", "web", "video"), 40 * ms},
		{"video is slow", 30 * ms, 20 * ms, 81 * ms, results("image", "web"), 80 * ms},
		{"video never answers", 30 * ms, 20 * ms, time.Hour, results("image", "web"), 80 * ms},
		{"nobody answers in time", time.Hour, time.Hour, time.Hour, nil, 80 * ms},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				got, d := timed(backends(tc.web, tc.image, tc.video).Google21)
				if !slices.Equal(got, tc.want) {
					t.Errorf("results %q, want %q", got, tc.want)
				}
				if d != tc.took {
					t.Errorf("took %v, want %v", d, tc.took)
				}
				// The late searches were cancelled when Google21 returned:
				// were one still waiting for its hour, synctest.Test would
				// fail here.
			})
		})
	}
}

func TestFirstReturnsTheFastestReplica(t *testing.T) {
	for n := 1; n <= 10; n++ {
		t.Run(fmt.Sprint(n, " replicas"), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				// Replica i answers after (n-i)*10ms + 5ms: the last is fastest.
				var replicas []Search
				for i := range n {
					replicas = append(replicas, fakeSearch(fmt.Sprint("web", i+1), after(time.Duration(n-i)*10*ms-5*ms)))
				}
				start := time.Now()
				got := First(t.Context(), "golang", replicas...)
				if want := results(fmt.Sprint("web", n))[0]; got != want {
					t.Errorf("First = %q, want the fastest replica's %q", got, want)
				}
				if d := time.Since(start); d != 5*ms {
					t.Errorf("First took %v, want the fastest latency, 5ms", d)
				}
			})
		})
	}
}

func TestFirstWithNoReplicasPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("First with no replicas did not panic")
		}
	}()
	First(t.Context(), "golang")
}

func TestGoogle30SurvivesOneSlowReplicaOfEachService(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		slow := after(time.Hour)
		b := &Backends{
			WebReplicas:   []Search{fakeSearch("web1", slow), fakeSearch("web2", after(30*ms))},
			ImageReplicas: []Search{fakeSearch("image1", after(20*ms)), fakeSearch("image2", slow)},
			VideoReplicas: []Search{fakeSearch("video1", slow), fakeSearch("video2", after(40*ms))},
			Timeout:       80 * ms,
		}
		got, d := timed(b.Google30)
		if want := results("image1", "web2", "video2"); !slices.Equal(got, want) {
			t.Errorf("results %q, want the fast replicas' %q", got, want)
		}
		if d != 40*ms {
			t.Errorf("took %v, want 40ms: the slowest of the fast replicas", d)
		}
	})
}

func TestNoGoroutineOutlivesItsSearch(t *testing.T) {
	// Services that never answer within the timeout, or at all in a
	// reasonable time: each version must still leave nothing behind.
	for _, v := range allVersions {
		t.Run(v.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				b := newBackends(1, 3, 80*ms)
				never := fakeSearch("never", after(time.Hour))
				b.Video = never
				b.VideoReplicas = []Search{never, never, never}
				v.google(b, "golang")
				// Returning now, with virtual time stopped, fails the test if
				// any goroutine of the search is still blocked.
			})
		})
	}
}

func TestNewBackendsIsReproducibleAndUnder100ms(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := newBackends(7, 2, time.Hour), newBackends(7, 2, time.Hour)
		for i := range 50 {
			q := fmt.Sprint("golang ", i)
			for _, pair := range [][2]Search{{a.Web, b.Web}, {a.WebReplicas[1], b.WebReplicas[1]}, {a.Video, b.Video}} {
				_, da := timed(func(string) []Result { return []Result{pair[0](t.Context(), q)} })
				_, db := timed(func(string) []Result { return []Result{pair[1](t.Context(), q)} })
				if da != db {
					t.Fatalf("same seed, query %q: latencies %v and %v", q, da, db)
				}
				if da < 0 || da >= maxLatency {
					t.Fatalf("latency %v outside [0, %v)", da, maxLatency)
				}
			}
		}
	})
}

func TestPercentile(t *testing.T) {
	var hundred []time.Duration
	for i := 1; i <= 100; i++ {
		hundred = append(hundred, time.Duration(i)*ms)
	}
	for _, tc := range []struct {
		sorted []time.Duration
		p      int
		want   time.Duration
	}{
		{hundred, 50, 50 * ms},
		{hundred, 95, 95 * ms},
		{hundred, 99, 99 * ms},
		{hundred, 100, 100 * ms},
		{hundred, 1, 1 * ms},
		{[]time.Duration{7 * ms}, 50, 7 * ms},
		{[]time.Duration{7 * ms}, 99, 7 * ms},
		{[]time.Duration{1, 2, 3, 4}, 50, 2},
		{[]time.Duration{1, 2, 3, 4}, 51, 3},
		{[]time.Duration{1, 2, 3, 4}, 95, 4},
	} {
		if got := percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("percentile(%v, %d) = %v, want %v", tc.sorted, tc.p, got, tc.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	// 1ms..200ms, shuffled; every fourth search incomplete.
	var latencies []time.Duration
	var complete []bool
	for i := range 200 {
		latencies = append(latencies, time.Duration((i*37)%200+1)*ms)
		complete = append(complete, i%4 != 0)
	}
	got := summarize(latencies, complete)
	want := summary{complete: 0.75, p50: 100 * ms, p95: 190 * ms, p99: 198 * ms, max: 200 * ms}
	if got != want {
		t.Errorf("summarize = %+v, want %+v", got, want)
	}
	if (summarize(nil, nil) != summary{}) {
		t.Error("summarize of nothing is not the zero summary")
	}
}

func TestReplicationBeatsTimeoutAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newBackends(1, 2, 80*ms)
		s10 := measure(b, (*Backends).Google10, 1000)
		s20 := measure(b, (*Backends).Google20, 1000)
		s21 := measure(b, (*Backends).Google21, 1000)
		s30 := measure(b, (*Backends).Google30, 1000)
		t.Logf("1.0 %+v\n2.0 %+v\n2.1 %+v\n3.0 %+v", s10, s20, s21, s30)
		if s10.complete != 1 || s20.complete != 1 {
			t.Errorf("1.0 and 2.0 wait for everything, yet completeness is %v and %v", s10.complete, s20.complete)
		}
		if s21.max > 80*ms || s30.max > 80*ms {
			t.Errorf("2.1 and 3.0 must return within the 80ms timeout; max %v and %v", s21.max, s30.max)
		}
		if s30.complete < s21.complete {
			t.Errorf("3.0 complete %.1f%%, less than 2.1's %.1f%%", 100*s30.complete, 100*s21.complete)
		}
		if s30.p99 > s21.p99 {
			t.Errorf("3.0 p99 %v, more than 2.1's %v", s30.p99, s21.p99)
		}
		if s30.p50 >= s20.p50 || s20.p50 >= s10.p50 {
			t.Errorf("medians should fall from 1.0 to 2.0 to 3.0: %v, %v, %v", s10.p50, s20.p50, s30.p50)
		}
	})
}

func BenchmarkGoogle30(b *testing.B) {
	// Services that answer at once: what is left is the cost of the
	// concurrency itself (goroutines, channels, contexts, the timer).
	instant := after(0)
	replicas := func(kind string) []Search {
		return []Search{fakeSearch(kind+"1", instant), fakeSearch(kind+"2", instant)}
	}
	be := &Backends{WebReplicas: replicas("web"), ImageReplicas: replicas("image"), VideoReplicas: replicas("video"), Timeout: time.Second}
	b.ReportAllocs()
	for b.Loop() {
		if rs := be.Google30("golang"); len(rs) != 3 {
			b.Fatalf("got %d results, want 3", len(rs))
		}
	}
}

func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if err := run(&out, []string{"-seed", "1", "-queries", "20"}); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		for _, want := range []string{
			"Google Search 1.0: one service after another\n",
			"Google Search 2.0: all services at once\n",
			"Google Search 2.1: all at once, at most 80ms\n",
			"Google Search 3.0: all at once, the first of 2 replicas each, at most 80ms\n",
			"20 searches of each version at once (services answer within 100ms; timeout 80ms; 2 replicas in 3.0):\n",
			"  version  complete      p50      p95      p99      max\n",
			"\n  1.0        100.0% ",
			"\n  2.0        100.0% ",
			"\n  2.1 ",
			"\n  3.0 ",
		} {
			if !strings.Contains(s, want) {
				t.Errorf("output lacks %q:\n%s", want, s)
			}
		}

		out.Reset()
		if err := run(&out, []string{"-seed", "1", "-version", "2.1", "-timeout", "1ms", "-queries", "0"}); err != nil {
			t.Fatal(err)
		}
		if want := "Google Search 2.1: all at once, at most 1ms\n  timed out\n  1ms\n\n"; out.String() != want {
			t.Errorf("-version 2.1 -timeout 1ms printed:\n%q\nwant:\n%q", out.String(), want)
		}
	})
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-queries", "-1"}, "-queries must be at least 0, got -1"},
		{[]string{"-replicas", "0"}, "-replicas must be at least 1, got 0"},
		{[]string{"-timeout", "0s"}, "-timeout must be positive, got 0s"},
		{[]string{"-timeout", "-5ms"}, "-timeout must be positive, got -5ms"},
		{[]string{"-version", "4.0"}, `-version must be 1.0, 2.0, 2.1, 3.0 or all, got "4.0"`},
		{[]string{"-replicas", "two"}, "invalid value"},
		{[]string{"-nope"}, "not defined"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		err := run(&bytes.Buffer{}, tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run(%q) = %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
	if err := run(&bytes.Buffer{}, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run(-h) = %v, want flag.ErrHelp", err)
	}
}
