package main

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// ms is n milliseconds.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestPingPongPlayersAlternateAndMainGetsTheBallOneHitLate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		start := time.Now()
		done := make(chan struct{})
		go func() {
			pingPong(newStampWriter(&out))
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(time.Hour):
			t.Fatal("pingPong never returned: a player still waits on the table, or main on the players")
		}
		// Main wakes at 95ms while pong holds the ball (hit 10 at 90ms);
		// ping has waited since 90ms, so it catches the ball at 100ms and
		// main only at 110ms. Each hit waits for the previous player's 10ms.
		// (A buffer of one on the table would change nothing: whenever the
		// ball is put back, someone is already waiting for it.)
		if d := time.Since(start); d != ms(110) {
			t.Errorf("pingPong returned after %v, want 110ms", d)
		}
		got := out.String()
		first, second := "ping", "pong"
		if strings.HasPrefix(got, "   0ms pong") { // who hits first is up to the scheduler
			first, second = second, first
		}
		var want strings.Builder
		for hit := 1; hit <= 11; hit++ {
			name := first
			if hit%2 == 0 {
				name = second
			}
			fmt.Fprintf(&want, "%4dms %s %d\n", (hit-1)*10, name, hit)
		}
		if got != want.String() {
			t.Errorf("pingPong printed:\n%s\nwant:\n%s", got, want.String())
		}
	})
}

// A fetchStep is what one call of a scripted fetcher returns.
type fetchStep struct {
	items []Item
	after time.Duration   // next = the call's time + after
	err   error           // returned instead of items
	takes time.Duration   // the call sleeps this long first
	hold  <-chan struct{} // if not nil, the call waits for it to close first
}

// scripted is a Fetcher that answers its steps in order, then nothing, with
// the next fetch an hour away. It records when each call started (since its
// creation) and the most calls ever running at once.
type scripted struct {
	mu         sync.Mutex
	steps      []fetchStep
	start      time.Time
	calls      []time.Duration
	running    int
	maxRunning int
}

func newScripted(steps ...fetchStep) *scripted {
	return &scripted{steps: steps, start: time.Now()}
}

func (f *scripted) Fetch() ([]Item, time.Time, error) {
	f.mu.Lock()
	i := len(f.calls)
	f.calls = append(f.calls, time.Since(f.start))
	f.running++
	f.maxRunning = max(f.maxRunning, f.running)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.running--
		f.mu.Unlock()
	}()
	if i >= len(f.steps) {
		return nil, time.Now().Add(time.Hour), nil
	}
	s := f.steps[i]
	time.Sleep(s.takes)
	if s.hold != nil {
		<-s.hold
	}
	return s.items, time.Now().Add(s.after), s.err
}

func (f *scripted) callTimes() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// items returns items of channel ch with GUIDs ch/n for each n.
func items(ch string, ns ...int) []Item {
	var its []Item
	for _, n := range ns {
		its = append(its, Item{Title: fmt.Sprint("Item ", n), Channel: ch, GUID: fmt.Sprintf("%s/%d", ch, n)})
	}
	return its
}

// receive takes one item from s, failing if none is ready now (in virtual
// time: after every goroutine of the bubble has blocked).
func receive(t *testing.T, s Subscription) Item {
	t.Helper()
	synctest.Wait()
	select {
	case it, ok := <-s.Updates():
		if !ok {
			t.Fatal("Updates is closed")
		}
		return it
	default:
		t.Fatal("no item ready")
		return Item{}
	}
}

// nothingReady fails if s has an item ready or its Updates is closed.
func nothingReady(t *testing.T, s Subscription) {
	t.Helper()
	synctest.Wait()
	select {
	case it, ok := <-s.Updates():
		t.Fatalf("received %v (open: %v), want nothing", it, ok)
	default:
	}
}

// closeWithin calls s.Close and returns its error, failing the test in the
// pattern's words if Close has not returned within an hour (virtual time).
func closeWithin(t *testing.T, s Subscription) error {
	t.Helper()
	errc := make(chan error, 1) // Close may return after the test gave up
	go func() { errc <- s.Close() }()
	select {
	case err := <-errc:
		return err
	case <-time.After(time.Hour):
		t.Fatal("Close never returned: it waits for ever for an answer (from a loop that never takes its request on closing, or merge goroutines that never see quit closed)")
		return nil
	}
}

// closedWithin fails the test unless s's Updates is closed, with nothing
// left in it, within an hour (virtual time).
func closedWithin(t *testing.T, s Subscription, who string) {
	t.Helper()
	select {
	case it, ok := <-s.Updates():
		if ok {
			t.Fatalf("%s Updates delivered %v after Close", who, it)
		}
	case <-time.After(time.Hour):
		t.Fatalf("%s Updates still open an hour after Close: nobody closed it, so a range over Updates waits for ever", who)
	}
}

func TestSubscriptionFetchesWhenFetcherSaysAndSendsInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newScripted(
			fetchStep{items: items("a", 1, 2), after: ms(30)},
			fetchStep{items: items("a", 3), after: 0}, // next is now: fetch again at once
			fetchStep{items: items("a", 4), after: time.Hour},
		)
		s := Subscribe(f)
		start := time.Now()
		for _, want := range items("a", 1, 2) {
			if got := receive(t, s); got != want {
				t.Fatalf("got %v, want %v", got, want)
			}
		}
		nothingReady(t, s)
		time.Sleep(ms(30))
		for _, want := range items("a", 3, 4) {
			if got := receive(t, s); got != want {
				t.Fatalf("at %v got %v, want %v", time.Since(start), got, want)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close = %v, want nil", err)
		}
		if want := []time.Duration{0, ms(30), ms(30)}; !slices.Equal(f.callTimes(), want) {
			t.Errorf("Fetch was called at %v, want %v", f.callTimes(), want)
		}
	})
}

func TestCloseReturnsTheMostRecentFetchError(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name  string
		steps []fetchStep
		sleep time.Duration // by then every step has run, and no further call
		want  error
	}{
		{"ok", []fetchStep{{items: items("a", 1), after: time.Hour}}, ms(500), nil},
		{"ok then error", []fetchStep{{after: ms(10)}, {err: boom}}, ms(500), boom},
		{"error then ok", []fetchStep{{err: boom}, {after: time.Hour}}, ms(1500), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newScripted(tc.steps...)
				s := Subscribe(f)
				go func() { // a consumer, so that no item holds up the loop
					for range s.Updates() {
					}
				}()
				time.Sleep(tc.sleep)
				if got := len(f.callTimes()); got != len(tc.steps) {
					t.Errorf("%d calls by %v, want %d", got, tc.sleep, len(tc.steps))
				}
				if err := s.Close(); err != tc.want {
					t.Errorf("Close = %v, want %v", err, tc.want)
				}
			})
		})
	}
}

func TestAFailedFetchIsRetriedAfterOneSecond(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("boom")
		// A failed fetch's items are dropped, and its next is ignored.
		f := newScripted(fetchStep{items: items("a", 1), err: boom, after: time.Millisecond}, fetchStep{err: boom}, fetchStep{after: time.Hour})
		s := Subscribe(f)
		time.Sleep(5 * time.Second)
		if want := []time.Duration{0, time.Second, 2 * time.Second}; !slices.Equal(f.callTimes(), want) {
			t.Errorf("Fetch was called at %v, want %v (the fetcher's next is ignored after an error)", f.callTimes(), want)
		}
		nothingReady(t, s)
		if err := s.Close(); err != nil {
			t.Errorf("Close = %v, want nil: the last fetch succeeded", err)
		}
	})
}

func TestCloseStopsTheLoopAndClosesUpdates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newScripted(fetchStep{items: items("a", 1), after: ms(10)}, fetchStep{items: items("a", 2), after: ms(10)})
		s := Subscribe(f)
		receive(t, s)
		start := time.Now()
		if err := closeWithin(t, s); err != nil {
			t.Fatalf("Close = %v", err)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("Close took %v, want no time", d)
		}
		closedWithin(t, s, "the subscription's")
		calls := len(f.callTimes())
		time.Sleep(time.Hour)
		if got := len(f.callTimes()); got != calls {
			t.Errorf("Fetch was called %d more times after Close", got-calls)
		}
		// synctest.Test fails if the loop or a fetch is still blocked.
	})
}

func TestASlowConsumerDoesNotStallClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := Subscribe(newScripted(fetchStep{items: items("a", 1, 2, 3, 4, 5), after: time.Hour}))
		time.Sleep(ms(10)) // five items wait in pending; nobody receives
		start := time.Now()
		if err := s.Close(); err != nil {
			t.Fatalf("Close = %v", err)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("Close took %v with items pending, want no time", d)
		}
		if it, ok := <-s.Updates(); ok {
			t.Errorf("after Close, Updates delivered %v", it)
		}
	})
}

func TestDuplicatesAreFilteredByGUID(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Like a real feed, each fetch returns the latest three items.
		f := newScripted(
			fetchStep{items: items("a", 1, 2, 3), after: ms(10)},
			fetchStep{items: items("a", 2, 3, 4), after: ms(10)},
			fetchStep{items: items("a", 3, 4, 5), after: ms(10)},
			fetchStep{items: items("a", 3, 4, 5), after: ms(10)},
			fetchStep{items: items("a", 1, 6, 7), after: ms(10)},
		)
		s := Subscribe(f)
		var got []Item
		done := make(chan struct{})
		go func() {
			defer close(done)
			for it := range s.Updates() {
				got = append(got, it)
			}
		}()
		time.Sleep(time.Second)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		<-done
		if want := items("a", 1, 2, 3, 4, 5, 6, 7); !slices.Equal(got, want) {
			t.Errorf("received %v, want %v", got, want)
		}
	})
}

func TestPendingStopsFetchingAtMaxPending(t *testing.T) {
	const maxPending = 10 // loop's bound, the talk's
	// The check comes before a fetch: with k items per fetch, the loop fetches
	// while fewer than maxPending wait, so pending ends at the first multiple
	// of k from maxPending on: never more than maxPending plus one fetch.
	for _, k := range []int{1, 3, 5, 10, 11} {
		t.Run(fmt.Sprint(k, " per fetch"), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var steps []fetchStep
				n := 0
				for range 100 {
					var ids []int
					for range k {
						n++
						ids = append(ids, n)
					}
					steps = append(steps, fetchStep{items: items("a", ids...), after: ms(10)})
				}
				f := newScripted(steps...)
				s := Subscribe(f)
				time.Sleep(time.Second) // nobody receives: a hundred fetches' worth of time
				calls := len(f.callTimes())
				if want := (maxPending + k - 1) / k; calls != want {
					t.Errorf("%d fetches while nobody received, want %d: loop must stop fetching once maxPending (%d) items wait", calls, want, maxPending)
				}
				if calls*k > maxPending+k {
					t.Errorf("pending reached %d, more than maxPending+%d", calls*k, k)
				}
				if t.Failed() {
					closeWithin(t, s)
					return
				}
				for i := range calls * k { // everything fetched is still delivered, in order
					if it := receive(t, s); it.GUID != fmt.Sprintf("a/%d", i+1) {
						t.Fatalf("item %d is %v", i+1, it)
					}
				}
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}

func TestFetchesNeverOverlap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var steps []fetchStep
		for i := range 50 {
			steps = append(steps, fetchStep{items: items("a", i), takes: ms(50)}) // next: at once
		}
		f := newScripted(steps...)
		s := Subscribe(f)
		go func() {
			for range s.Updates() {
			}
		}()
		time.Sleep(ms(1010))
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		// Each fetch takes 50ms and the next starts when it is over: at 0,
		// 50ms, ..., 1s.
		if calls := len(f.callTimes()); calls != 21 {
			t.Errorf("%d fetches by 1.01s, 50ms each, want 21", calls)
		}
		time.Sleep(time.Second) // a fetch started at 1s ends at 1.05s: no leak
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.maxRunning != 1 {
			t.Errorf("up to %d fetches ran at once, want 1", f.maxRunning)
		}
	})
}

func TestLoopKeepsSendingAndClosesWhileAFetchRuns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		f := newScripted(
			fetchStep{items: items("a", 1, 2)},             // next: at once
			fetchStep{items: items("a", 3), hold: release}, // runs until released
		)
		s := Subscribe(f)
		// Fetch 2 is running and blocked, yet the loop sends what it has.
		for _, want := range items("a", 1, 2) {
			if got := receive(t, s); got != want {
				t.Fatalf("got %v, want %v", got, want)
			}
		}
		time.Sleep(ms(10))
		start := time.Now()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("Close took %v while a fetch was running, want no time", d)
		}
		if n := len(f.callTimes()); n != 2 {
			t.Fatalf("%d fetches, want 2", n)
		}
		// The fetch ends after loop has returned: its result goes into a
		// buffer nobody reads, and its goroutine ends (else synctest fails).
		close(release)
	})
}

func TestMergeDeliversEveryItemOnceAndClosesEverySubscription(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var subs []Subscription
		want := map[Item]bool{}
		for c, ch := range []string{"a", "b", "c"} {
			var steps []fetchStep
			for i := range 5 {
				its := items(ch, i, i+1) // overlaps the previous fetch
				steps = append(steps, fetchStep{items: its, after: ms(7 + c)})
				for _, it := range its {
					want[it] = true
				}
			}
			subs = append(subs, Subscribe(newScripted(steps...)))
		}
		m := Merge(subs...)
		got := map[Item]int{}
		for range len(want) {
			got[<-m.Updates()]++
		}
		time.Sleep(time.Hour)
		nothingReady(t, m)
		for it, n := range got {
			if n != 1 || !want[it] {
				t.Errorf("%v delivered %d times (expected: %v)", it, n, want[it])
			}
		}
		if len(got) != len(want) {
			t.Errorf("%d distinct items, want %d", len(got), len(want))
		}
		if err := closeWithin(t, m); err != nil {
			t.Fatalf("Close = %v", err)
		}
		closedWithin(t, m, "the merged")
		for i, s := range subs {
			closedWithin(t, s, fmt.Sprintf("subscription %d's", i))
		}
	})
}

func TestMergeCloseReturnsAnErrorOfItsSubscriptions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("boom")
		m := Merge(
			Subscribe(newScripted(fetchStep{items: items("a", 1, 2, 3), after: time.Hour})),
			Subscribe(newScripted(fetchStep{err: boom})),
			Subscribe(newScripted()),
		)
		time.Sleep(ms(10)) // nobody receives: the merge goroutine of "a" holds an item
		if err := m.Close(); err != boom {
			t.Errorf("Close = %v, want %v", err, boom)
		}
	})
}

// A second Close of the merged subscription returns what the first one did,
// also when both come at once.
func TestMergeCloseTwiceReturnsTheFirstResult(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("boom")
		m := Merge(Subscribe(newScripted(fetchStep{err: boom})), Subscribe(newScripted()))
		time.Sleep(ms(10))
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i := range errs {
			wg.Go(func() { errs[i] = m.Close() })
		}
		wg.Wait()
		for i, err := range errs {
			if err != boom {
				t.Errorf("Close number %d of 3 = %v, want %v every time", i+1, err, boom)
			}
		}
		if err := m.Close(); err != boom {
			t.Errorf("a fourth Close = %v, want %v", err, boom)
		}
	})
}

// Each fetch's result switches the fetch case back on: the loop fetches
// again when the fetcher's next comes, every time.
func TestLoopFetchesAgainAfterEachResult(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newScripted(fetchStep{after: ms(10)}, fetchStep{after: ms(10)}, fetchStep{after: ms(10)})
		s := Subscribe(f)
		time.Sleep(ms(100))
		if want := []time.Duration{0, ms(10), ms(20), ms(30)}; !slices.Equal(f.callTimes(), want) {
			t.Errorf("Fetch was called at %v, want %v: once a fetch's result is in, loop must set fetchDone to nil so that its fetch case runs again", f.callTimes(), want)
		}
		if err := closeWithin(t, s); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFakeFeedPublishesAtItsPhaseThenEvery0To200msInSteps(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		f := Fetch("blog", ms(10), 1, 1)
		items, next, err := f.Fetch()
		if len(items) != 0 || err != nil || next.Sub(start) != ms(10) {
			t.Fatalf("first Fetch = %v, %v, %v; want nothing yet, next at 10ms", items, next.Sub(start), err)
		}
		seen := map[string]bool{}
		lo, hi := time.Hour, time.Duration(0)
		mostNew := 0 // items published since the previous fetch
		for range 2000 {
			time.Sleep(time.Until(next))
			prev := next
			var fetched []Item
			fetched, next, err = f.Fetch()
			if err != nil || len(fetched) == 0 || len(fetched) > 3 {
				t.Fatalf("Fetch = %v, %v; want 1 to 3 items", fetched, err)
			}
			before := len(seen)
			for _, it := range fetched {
				seen[it.GUID] = true
				if it.GUID != it.Channel+"/"+it.Title || it.Channel != "blog" {
					t.Fatalf("item %+v", it)
				}
			}
			mostNew = max(mostNew, len(seen)-before)
			gap := next.Sub(prev)
			if gap%(ms(50)) != 0 || gap == 0 {
				t.Fatalf("next is %v after this fetch, want a positive multiple of 50ms", gap)
			}
			if (next.Sub(start)-ms(10))%(ms(50)) != 0 {
				t.Fatalf("next at %v is off the feed's 10ms phase", next.Sub(start))
			}
			lo, hi = min(lo, gap), max(hi, gap)
		}
		// Gaps between publications are 0, 50, ..., 200ms; a zero gap means
		// two items in one fetch, so a fetch's next is 50 to 200ms away.
		if lo != ms(50) || hi != ms(200) {
			t.Errorf("next fetch came [%v, %v] after the last, want [50ms, 200ms]", lo, hi)
		}
		if mostNew < 2 {
			t.Errorf("no fetch found two new items: a gap of 0 between publications never came")
		}
		if n := len(seen); n < 2000 {
			t.Errorf("only %d distinct items in 2000 fetches", n)
		}
	})
}

func TestFakeFeedSeedsReplayAndStreamsDiffer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		times := func(seed, stream uint64) []time.Duration {
			start := time.Now()
			f := Fetch("x", 0, seed, stream)
			var ts []time.Duration
			for range 50 {
				_, next, _ := f.Fetch()
				ts = append(ts, next.Sub(start))
				time.Sleep(time.Until(next))
			}
			return ts
		}
		if a, b := times(7, 1), times(7, 1); !slices.Equal(a, b) {
			t.Errorf("seed 7 stream 1 gave two schedules:\n%v\n%v", a, b)
		}
		if a, b := times(7, 1), times(7, 2); slices.Equal(a, b) {
			t.Errorf("streams 1 and 2 of seed 7 gave the same schedule %v", a)
		}
	})
}
