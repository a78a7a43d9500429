package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

// fixedLatencies returns a latency function that gives each kind of service the
// latency in l, whatever the query. A kind not in l fails the test.
func fixedLatencies(t *testing.T, l map[string]time.Duration) func(kind, query string) time.Duration {
	return func(kind, query string) time.Duration {
		d, ok := l[kind]
		if !ok {
			t.Errorf("no latency for %q", kind)
		}
		return d
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

// lastEnd waits until every search of s has ended and returns how long
// after watch the last one ended.
func lastEnd(t *testing.T, s *watched) time.Duration {
	t.Helper()
	ended := make(chan struct{})
	go func() {
		s.running.Wait()
		close(ended)
	}()
	select {
	case <-ended:
	case <-time.After(time.Hour):
		t.Fatalf("a search is still running an hour later")
	}
	return slices.MaxFunc(s.ends, func(a, b end) int { return a.at.Compare(b.at) }).at.Sub(s.start)
}

// noneLeft fails the test, naming version, unless every goroutine that the
// caller's bubble held at before's count has ended once the longest latency
// has passed: a late search must send into room and end.
func noneLeft(t *testing.T, before int, version string) {
	t.Helper()
	time.Sleep(maxLatency)
	if n := bubbled() - before; n != 0 {
		t.Fatalf("%d of %s's goroutines still blocked %v after it returned: a search that answered after %s returned waits for ever to send its result (its channel needs room for every search)",
			n, version, maxLatency, version)
	}
}

// timed asks google for "golang" and returns the results and how long it took.
func timed(google func(string) []Result) ([]Result, time.Duration) {
	start := time.Now()
	rs := google("golang")
	return rs, time.Since(start)
}

func TestFakeSearchAnswersAfterItsLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServices(io.Discard, 1, fixedLatencies(t, map[string]time.Duration{"web": ms(42)}))
		start := time.Now()
		r := s.fakeSearch("web")("golang")
		if want := Result("web result for \"golang\"\n"); r != want {
			t.Errorf("got %q, want %q", r, want)
		}
		if d := time.Since(start); d != ms(42) {
			t.Errorf("answered after %v, want 42ms", d)
		}
	})
}

func TestSearchPrintsTheResultsAndTheTimeTheyTook(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		search(&out, func(query string) []Result {
			time.Sleep(12345 * time.Microsecond)
			return []Result{Result(query + " 1\n"), Result(query + " 2\n")}
		})
		if want := "[golang 1\n golang 2\n]\n12.345ms\n"; out.String() != want {
			t.Errorf("search printed %q, want %q", out.String(), want)
		}
	})
}

// three are latencies for web, image and video: image fastest, video slowest.
var three = map[string]time.Duration{"web": ms(30), "image": ms(20), "video": ms(40)}

func TestGoogle10TakesTheSumOfTheLatencies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServices(io.Discard, 1, fixedLatencies(t, three))
		got, d := timed(s.Google10)
		if want := results("web", "image", "video"); !slices.Equal(got, want) {
			t.Errorf("results %q, want %q", got, want)
		}
		if d != ms(90) {
			t.Errorf("took %v, want 30+20+40 = 90ms", d)
		}
	})
}

func TestGoogle20TakesTheLargestLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServices(io.Discard, 1, fixedLatencies(t, three))
		got, d := timed(s.Google20)
		if want := results("image", "web", "video"); !slices.Equal(got, want) {
			t.Errorf("results %q, want them in the order they came: %q", got, want)
		}
		if d != ms(40) {
			t.Errorf("took %v, want the largest latency, 40ms", d)
		}
	})
}

func TestGoogle21WaitsAtMost80msAndEveryLateSearchEnds(t *testing.T) {
	for _, tc := range []struct {
		name              string
		web, image, video time.Duration
		want              []Result
		out               string // "timed out" or nothing
		took              time.Duration
	}{
		{"all in time", ms(30), ms(20), ms(40), results("image", "web", "video"), "", ms(40)},
		{"the last just in time", ms(30), ms(20), ms(79), results("image", "web", "video"), "", ms(79)},
		{"video late", ms(30), ms(20), ms(81), results("image", "web"), "timed out\n", ms(80)},
		{"all three late", ms(90), ms(95), ms(99), nil, "timed out\n", ms(80)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var out bytes.Buffer
				s := watch(&out, 1, fixedLatencies(t, map[string]time.Duration{"web": tc.web, "image": tc.image, "video": tc.video}), 3)
				before := bubbled()
				got, d := timed(s.Google21)
				if !slices.Equal(got, tc.want) || d != tc.took || out.String() != tc.out {
					t.Errorf("results %q after %v, printed %q; want %q after %v, printed %q", got, d, out.String(), tc.want, tc.took, tc.out)
				}
				if got, want := lastEnd(t, s), max(tc.web, tc.image, tc.video); got != want {
					t.Errorf("the last search ended at %v, want at the largest latency, %v", got, want)
				}
				noneLeft(t, before, "2.1")
			})
		})
	}
}

func TestFirstReturnsTheFastestReplicaAndEveryLoserEnds(t *testing.T) {
	for n := 1; n <= 5; n++ {
		t.Run(fmt.Sprint(n, " replicas"), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				// Replica i answers after (n-i)*10ms - 5ms: the last is fastest.
				l := map[string]time.Duration{}
				for i := range n {
					l[fmt.Sprint("web", i+1)] = time.Duration(n-i)*ms(10) - ms(5)
				}
				s := watch(io.Discard, n, fixedLatencies(t, l), n)
				before := bubbled()
				start := time.Now()
				got := First("golang", s.WebReplicas...)
				if want := results(fmt.Sprint("web", n))[0]; got != want {
					t.Errorf("First = %q, want the fastest replica's %q", got, want)
				}
				if d := time.Since(start); d != ms(5) {
					t.Errorf("First took %v, want the fastest latency, 5ms", d)
				}
				if got, want := lastEnd(t, s), time.Duration(n)*ms(10)-ms(5); got != want {
					t.Errorf("the last replica ended at %v, want at the largest latency, %v", got, want)
				}
				noneLeft(t, before, "First")
			})
		})
	}
}

func TestUseFirstPrintsTheFasterReplicaAndTheSlowerEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		s := watch(io.Discard, 1, fixedLatencies(t, map[string]time.Duration{"replica 1": ms(35), "replica 2": ms(15)}), 2)
		useFirst(&out, s.report("replica 1", s.fakeSearch("replica 1")), s.report("replica 2", s.fakeSearch("replica 2")))
		if want := "replica 2 result for \"golang\"\n\n15ms\n"; out.String() != want {
			t.Errorf("useFirst printed %q, want %q", out.String(), want)
		}
		// replica 1 answers into First's buffer at 35ms and ends.
		if got := lastEnd(t, s); got != ms(35) {
			t.Errorf("the slower replica ended at %v, want 35ms", got)
		}
	})
}

// replicated gives web1, image1, ... the latencies in first and web2,
// image2, ... those in second, each given in the order web, image, video.
func replicated(first, second [3]time.Duration) map[string]time.Duration {
	l := map[string]time.Duration{}
	for i, kind := range []string{"web", "image", "video"} {
		l[kind+"1"], l[kind+"2"] = first[i], second[i]
	}
	return l
}

func TestGoogle30SurvivesOneSlowReplicaOfEachService(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		l := replicated([3]time.Duration{ms(99), ms(20), ms(95)}, [3]time.Duration{ms(30), ms(90), ms(40)})
		s := watch(&out, 2, fixedLatencies(t, l), 6)
		before := bubbled()
		got, d := timed(s.Google30)
		if want := results("image1", "web2", "video2"); !slices.Equal(got, want) || d != ms(40) || out.Len() != 0 {
			t.Errorf("results %q after %v, printed %q; want the fast replicas' %q after 40ms, nothing printed", got, d, out.String(), want)
		}
		if got := lastEnd(t, s); got != ms(99) {
			t.Errorf("the last replica ended at %v, want at the largest latency, 99ms", got)
		}
		noneLeft(t, before, "3.0")
	})
}

func TestGoogle30WithEveryServiceLateTimesOutAndLeavesNothingBehind(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// All three Firsts answer after the timeout: the result channel needs
		// room for all three, or the last one's send blocks for ever.
		var out bytes.Buffer
		l := replicated([3]time.Duration{ms(81), ms(85), ms(90)}, [3]time.Duration{ms(95), ms(96), ms(97)})
		s := watch(&out, 2, fixedLatencies(t, l), 6)
		before := bubbled()
		got, d := timed(s.Google30)
		if got != nil || d != ms(80) || out.String() != "timed out\n" {
			t.Errorf("results %q after %v, printed %q; want none after 80ms, \"timed out\"", got, d, out.String())
		}
		if got := lastEnd(t, s); got != ms(97) {
			t.Errorf("the last replica ended at %v, want at the largest latency, 97ms", got)
		}
		noneLeft(t, before, "3.0")
	})
}

func TestFakeSearchContextStopsWhenCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServices(io.Discard, 1, fixedLatencies(t, map[string]time.Duration{"web": ms(50)}))
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(ms(5), cancel)
		start := time.Now()
		if r := s.fakeSearchContext("web")(ctx, "golang"); r != "" {
			t.Errorf("a cancelled search returned %q, want nothing", r)
		}
		if d := time.Since(start); d != ms(5) {
			t.Errorf("stopped after %v, want at the cancel, 5ms", d)
		}
		// Not cancelled, it answers after its latency.
		start = time.Now()
		if r, want := s.fakeSearchContext("web")(context.Background(), "golang"), results("web")[0]; r != want || time.Since(start) != ms(50) {
			t.Errorf("got %q after %v, want %q after 50ms", r, time.Since(start), want)
		}
	})
}

func TestFirstContextStopsTheLosersAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := watch(io.Discard, 3, fixedLatencies(t, map[string]time.Duration{"web1": ms(60), "web2": ms(10), "web3": ms(90)}), 3)
		// A context nobody else cancels: only FirstContext's own cancel can
		// stop the losers.
		if got, want := FirstContext(context.Background(), "golang", s.context.Web...), results("web2")[0]; got != want {
			t.Errorf("FirstContext = %q, want the fastest replica's %q", got, want)
		}
		if got := lastEnd(t, s); got != ms(10) {
			t.Errorf("the last replica ended at %v, want at the first answer, 10ms: FirstContext must cancel its losers", got)
		}
	})
}

func TestFirstContextReturnsOnceItsContextIsDone(t *testing.T) {
	for _, n := range []int{0, 2} {
		t.Run(fmt.Sprint(n, " replicas"), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				// Replicas that never answer within the test: only ctx can
				// end FirstContext.
				s := watch(io.Discard, n, func(string, string) time.Duration { return 10 * time.Hour }, n)
				ctx, cancel := context.WithTimeout(context.Background(), ms(5))
				defer cancel()
				start := time.Now()
				done := make(chan Result)
				go func() { done <- FirstContext(ctx, "golang", s.context.Web...) }()
				select {
				case got := <-done:
					if got != "" || time.Since(start) != ms(5) {
						t.Errorf("FirstContext = %q after %v, want nothing after 5ms, when its context was done", got, time.Since(start))
					}
				case <-time.After(time.Hour):
					t.Fatalf("FirstContext with %d replicas still waiting an hour after its context was done at 5ms: it must select on ctx.Done()", n)
				}
				if n > 0 {
					if got := lastEnd(t, s); got != ms(5) {
						t.Errorf("the last replica ended at %v, want at 5ms, when the context was done", got)
					}
				}
			})
		})
	}
}

func TestGoogle30ContextStopsEverySearchNobodyWaitsFor(t *testing.T) {
	for _, tc := range []struct {
		name          string
		first, second [3]time.Duration
		want          []Result
		out           string
		took          time.Duration // and when the last search ended
	}{
		{"in time: every loser has stopped when 3.0 returns",
			[3]time.Duration{ms(60), ms(20), ms(95)}, [3]time.Duration{ms(30), ms(90), ms(40)},
			results("image1", "web2", "video2"), "", ms(40)},
		{"all late: every search stops at the timeout",
			[3]time.Duration{ms(81), ms(85), ms(90)}, [3]time.Duration{ms(95), ms(96), ms(97)},
			nil, "stopped: context deadline exceeded\n", ms(80)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var out bytes.Buffer
				s := watch(&out, 2, fixedLatencies(t, replicated(tc.first, tc.second)), 6)
				got, d := timed(func(query string) []Result { return s.context.Google30Context(context.Background(), query) })
				if !slices.Equal(got, tc.want) || d != tc.took || out.String() != tc.out {
					t.Errorf("results %q after %v, printed %q; want %q after %v, printed %q", got, d, out.String(), tc.want, tc.took, tc.out)
				}
				if got := lastEnd(t, s); got != tc.took {
					t.Errorf("the last replica ended at %v, want %v, when 3.0 returned", got, tc.took)
				}
			})
		})
	}
}

func TestGoogle30ContextGivesUpWhenItsCallersContextIsDone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		l := replicated([3]time.Duration{ms(60), ms(20), ms(95)}, [3]time.Duration{ms(30), ms(90), ms(40)})
		s := watch(&out, 2, fixedLatencies(t, l), 6)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(ms(25), cancel) // after image1's answer (20ms), before web2's (30ms)
		got, d := timed(func(query string) []Result { return s.context.Google30Context(ctx, query) })
		if want := results("image1"); !slices.Equal(got, want) || d != ms(25) || out.String() != "stopped: context canceled\n" {
			t.Errorf("results %q after %v, printed %q; want %q after 25ms, when its caller cancelled, printed \"stopped: context canceled\"", got, d, out.String(), want)
		}
		if got := lastEnd(t, s); got != ms(25) {
			t.Errorf("the last replica ended at %v, want at 25ms, when the caller cancelled", got)
		}
	})
}

func BenchmarkGoogle30(b *testing.B) {
	// Services that answer at once: what is left is the cost of the
	// concurrency itself (goroutines, channels, the timer).
	s := newServices(io.Discard, 2, func(string, string) time.Duration { return 0 })
	b.ReportAllocs()
	for b.Loop() {
		if rs := s.Google30("golang"); len(rs) != 3 {
			b.Fatalf("got %d results, want 3", len(rs))
		}
	}
}
