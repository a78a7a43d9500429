package main

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

// cycle returns a source of the given pauses, in turn, forever.
func cycle(ds ...time.Duration) func() time.Duration {
	i := 0
	return func() time.Duration {
		d := ds[i%len(ds)]
		i++
		return d
	}
}

// sleeper returns work that sleeps d and returns result.
func sleeper(d time.Duration, result int) func() int {
	return func() int {
		time.Sleep(d)
		return result
	}
}

// balanced runs loadBalance and fails the test, in the pattern's words, if
// it never returns.
func balanced(t *testing.T, b *Balancer, n int, requesters []load) {
	t.Helper()
	returned := make(chan struct{})
	go func() {
		loadBalance(b, n, requesters)
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(time.Hour):
		t.Fatalf("loadBalance never returned: the balancer still waits to hear that requests are done (%d pending; does each worker send itself on done after it answers?)", b.pending())
	}
}

func policyName(roundRobin bool) string {
	if roundRobin {
		return "roundrobin"
	}
	return "heap"
}

func TestEveryRequestIsAnsweredOnceWithItsOwnResult(t *testing.T) {
	for _, roundRobin := range []bool{false, true} {
		t.Run(policyName(roundRobin), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const nRequester, nWorker, n = 7, 3, 20
				calls := make([]int, nRequester)   // workFn calls per requester
				answers := make([]int, nRequester) // answers heard per requester
				requesters := make([]load, nRequester)
				for i := range requesters {
					// Request k of requester i returns 1000*i + k: only it could.
					// The work takes a different time for every request, so
					// the requesters' requests overlap and queue.
					requesters[i] = load{
						pause: cycle(time.Duration(i+1) * time.Millisecond),
						workFn: func() int {
							k := calls[i]
							calls[i]++
							time.Sleep(time.Duration(3*i+k%4+1) * time.Millisecond)
							return 1000*i + k
						},
						furtherProcess: func(result int, _ time.Duration) {
							if want := 1000*i + answers[i]; result != want {
								t.Errorf("requester %d, request %d: got %d, want %d", i, answers[i], result, want)
							}
							answers[i]++
						},
					}
				}
				b := NewBalancer(nWorker, nRequester)
				b.roundRobin = roundRobin
				events := 0
				b.after = func(Pool) { events++ }
				balanced(t, b, n, requesters)
				for i := range nRequester {
					if calls[i] != n || answers[i] != n {
						t.Errorf("requester %d: work ran %d times, %d answers heard; want %d of each", i, calls[i], answers[i], n)
					}
				}
				if want := 2 * nRequester * n; events != want {
					t.Errorf("the balancer saw %d events, want %d (a dispatch and a completion per request)", events, want)
				}
				for _, w := range b.pool {
					if w.pending != 0 {
						t.Errorf("a worker ended with %d pending", w.pending)
					}
				}
			})
		})
	}
}

// poolEvent is the balancer's state after one event: when, and each worker's
// pending count in the order the workers were made.
type poolEvent struct {
	at      time.Duration
	pending []int
}

func (e poolEvent) String() string { return fmt.Sprintf("%v %v", e.at, e.pending) }

func recordEvents(b *Balancer, start time.Time, workers []*Worker) *[]poolEvent {
	var events []poolEvent
	b.after = func(Pool) {
		e := poolEvent{at: time.Since(start)}
		for _, w := range workers {
			e.pending = append(e.pending, w.pending)
		}
		events = append(events, e)
	}
	return &events
}

func TestDispatchNeverWaitsForABusyWorker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// One worker, two requesters: A asks at 1ms for 10ms of work, B at
		// 2ms. The worker is busy with A when B's request comes, yet the
		// balancer hands it over at once: the worker's requests channel has
		// room for it. Unbuffered, the balancer would wait until 11ms.
		start := time.Now()
		b := NewBalancer(1, 2)
		workers := slices.Clone(b.pool)
		events := recordEvents(b, start, workers)
		var latency [2]time.Duration
		loadBalance(b, 1, []load{
			{cycle(1 * time.Millisecond), sleeper(10*time.Millisecond, 0), func(_ int, d time.Duration) { latency[0] = d }},
			{cycle(2 * time.Millisecond), sleeper(10*time.Millisecond, 1), func(_ int, d time.Duration) { latency[1] = d }},
		})
		want := []poolEvent{
			{1 * time.Millisecond, []int{1}},  // A dispatched
			{2 * time.Millisecond, []int{2}},  // B dispatched while the worker works on A
			{11 * time.Millisecond, []int{1}}, // A completed
			{21 * time.Millisecond, []int{0}}, // B completed
		}
		if fmt.Sprint(*events) != fmt.Sprint(want) {
			t.Errorf("the pool after each event (when, pending): %v, want %v: B must be handed over at 2ms, while the worker is busy with A, not once it is free", *events, want)
		}
		if latency != [2]time.Duration{10 * time.Millisecond, 19 * time.Millisecond} {
			t.Errorf("latencies %v, want [10ms 19ms] (B waits in the worker's queue for A)", latency)
		}
	})
}

func TestRequesterWaitsForEachAnswerBeforePausingAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var at []time.Duration
		b := NewBalancer(2, 1)
		loadBalance(b, 3, []load{{cycle(5 * time.Millisecond), sleeper(10*time.Millisecond, 7), func(r int, d time.Duration) {
			if r != 7 || d != 10*time.Millisecond {
				t.Errorf("answer %d after %v, want 7 after 10ms", r, d)
			}
			at = append(at, time.Since(start))
		}}})
		// pause 5, work 10, three times: answers at 15, 30, 45ms.
		if want := []time.Duration{15 * time.Millisecond, 30 * time.Millisecond, 45 * time.Millisecond}; !slices.Equal(at, want) {
			t.Errorf("answers at %v, want %v", at, want)
		}
	})
}

func TestHeapSendsToTheLeastLoadedRoundRobinTakesTurns(t *testing.T) {
	for _, roundRobin := range []bool{false, true} {
		t.Run(policyName(roundRobin), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				// Three workers. Requester 0 asks at 1ms for 100ms of work;
				// requesters 1 to 4 ask at 2, 3, 4 and 5ms for 0.5ms each, so
				// each finds the earlier short ones done. The heap sends each
				// short request to an idle worker; round robin takes turns
				// and queues the one at 4ms behind the long one, which ends
				// at 101ms.
				b := NewBalancer(3, 5)
				b.roundRobin = roundRobin
				latency := make([]time.Duration, 5)
				requesters := []load{{cycle(1 * time.Millisecond), sleeper(100*time.Millisecond, 0), func(_ int, d time.Duration) { latency[0] = d }}}
				for i := 1; i < 5; i++ {
					requesters = append(requesters, load{cycle(time.Duration(i+1) * time.Millisecond), sleeper(time.Millisecond/2, i),
						func(_ int, d time.Duration) { latency[i] = d }})
				}
				loadBalance(b, 1, requesters)
				want := []time.Duration{100 * time.Millisecond, 500 * time.Microsecond, 500 * time.Microsecond, 500 * time.Microsecond, 500 * time.Microsecond}
				if roundRobin {
					want[3] = 97*time.Millisecond + 500*time.Microsecond // from 4ms to 101.5ms
				}
				if !slices.Equal(latency, want) {
					t.Errorf("latencies %v, want %v", latency, want)
				}
			})
		})
	}
}

func TestBalanceEndsOnlyOnceEveryCompletionIsHeardAndEveryWorkerIsDone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// A balancer by hand: one worker with a request out, work already
		// closed, and the completion 1ms away. balance must not stop at
		// the closed work channel: it hears the completion, closes the
		// worker's requests, and waits for the worker, who takes 1ms more
		// to leave.
		start := time.Now()
		b := &Balancer{done: make(chan *Worker, 1)}
		w := &Worker{requests: make(chan Request, 1), pending: 1}
		heap.Push(&b.pool, w)
		left := false
		b.workers.Go(func() {
			for range w.requests {
			}
			time.Sleep(time.Millisecond)
			left = true
		})
		go func() {
			time.Sleep(time.Millisecond)
			b.done <- w
		}()
		work := make(chan Request)
		close(work)
		b.balance(work)
		if w.pending != 0 {
			t.Errorf("balance returned with %d pending", w.pending)
		}
		if !left {
			t.Error("balance returned before its worker left")
		}
		if got := time.Since(start); got != 2*time.Millisecond {
			t.Errorf("balance returned at %v, want 2ms", got)
		}
	})
}

// checkPool fails unless the pool is a heap by pending and every worker's
// index is its place.
func checkPool(t *testing.T, p Pool, step int) {
	t.Helper()
	seen := map[*Worker]bool{}
	for _, w := range p {
		if seen[w] {
			t.Fatalf("step %d: a worker is in the heap twice: completed must take it out before it pushes it back", step)
		}
		seen[w] = true
	}
	for i, w := range p {
		if w.index != i {
			t.Fatalf("step %d: the worker at place %d of the heap has index %d: completed would move the wrong worker", step, i, w.index)
		}
		if parent := (i - 1) / 2; i > 0 && p[i].pending < p[parent].pending {
			t.Fatalf("step %d: the heap is out of order: pending %d at place %d is below its parent's %d at %d", step, p[i].pending, i, p[parent].pending, parent)
		}
	}
}

// FuzzBalancerKeepsTheHeap drives a balancer's own dispatch and completed
// with no goroutines: each byte either dispatches a request or completes one
// of a chosen worker's (taking it off its requests channel as the worker
// would). After every call the pool is a heap by pending, every index is its
// worker's place, every worker's pending is what was sent minus what was
// completed, and dispatch chose a worker with the least pending.
func FuzzBalancerKeepsTheHeap(f *testing.F) {
	f.Add(uint8(3), []byte{0, 0, 0, 0, 1, 3, 5, 0, 0, 7, 9, 0})
	f.Add(uint8(1), []byte{0, 0, 1, 1, 1, 0})
	f.Add(uint8(10), []byte("the quick brown fox jumps over the lazy dog 0000000000"))
	f.Add(uint8(5), []byte{0, 2, 4, 6, 8, 10, 12, 14, 1, 1, 1, 1, 3, 3, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 7})
	f.Fuzz(func(t *testing.T, nWorker uint8, ops []byte) {
		n := int(nWorker%16) + 1
		capacity := len(ops) + 1 // room for every request this sequence can send
		b := &Balancer{pool: make(Pool, 0, n), done: make(chan *Worker, n)}
		var workers []*Worker
		for range n {
			w := &Worker{requests: make(chan Request, capacity)}
			heap.Push(&b.pool, w)
			workers = append(workers, w)
		}
		checkPool(t, b.pool, -1)
		model := map[*Worker]int{}
		for step, op := range ops {
			if op%2 == 0 {
				least := b.pool[0].pending
				for _, w := range workers {
					least = min(least, w.pending)
				}
				before := map[*Worker]int{}
				for _, w := range workers {
					before[w] = len(w.requests)
				}
				b.dispatch(Request{c: make(chan int)})
				var got *Worker
				for _, w := range workers {
					if len(w.requests) == before[w]+1 {
						got = w
					}
				}
				if got == nil {
					t.Fatalf("step %d: dispatch sent the request to no worker", step)
				}
				if model[got] != least {
					t.Fatalf("step %d: dispatch chose a worker with %d pending, the least was %d", step, model[got], least)
				}
				model[got]++
			} else {
				w := workers[int(op/2)%n]
				if model[w] == 0 {
					continue // nothing of its to complete
				}
				<-w.requests // the worker takes it
				b.completed(w)
				model[w]--
			}
			checkPool(t, b.pool, step)
			for _, w := range workers {
				if w.pending != model[w] {
					t.Fatalf("step %d: a worker's pending is %d, want %d", step, w.pending, model[w])
				}
			}
		}
	})
}

func TestRoundRobinDispatchTakesTurnsWhateverTheLoad(t *testing.T) {
	b := &Balancer{roundRobin: true}
	var workers []*Worker
	for range 3 {
		w := &Worker{requests: make(chan Request, 10)}
		heap.Push(&b.pool, w)
		workers = append(workers, w)
	}
	workers[1].pending = 5 // loaded: round robin does not look
	var got []int
	for range 7 {
		b.dispatch(Request{})
		for i, w := range workers {
			if len(w.requests) > 0 {
				<-w.requests
				got = append(got, i)
			}
		}
	}
	if want := []int{0, 1, 2, 0, 1, 2, 0}; !slices.Equal(got, want) {
		t.Errorf("round robin sent to %v, want %v", got, want)
	}
	if workers[0].pending != 3 || workers[1].pending != 7 || workers[2].pending != 2 {
		t.Errorf("pending %d %d %d, want 3 7 2", workers[0].pending, workers[1].pending, workers[2].pending)
	}
	b.completed(workers[1])
	if workers[1].pending != 6 || workers[1].index != 1 {
		t.Errorf("completed: pending %d index %d, want 6 at 1 (round robin keeps its order)", workers[1].pending, workers[1].index)
	}
}

// skewedWorkload: most requests work 1ms, one in eight about 40ms, drawn in
// nanoseconds so no two events coincide.
func skewedWorkload(seed uint64) workload {
	return func(i int) load {
		pauses := rand.New(rand.NewPCG(seed, uint64(2*i+1)))
		work := rand.New(rand.NewPCG(seed, uint64(2*i+2)))
		pause := func() time.Duration { return time.Duration(pauses.Int64N(int64(10 * time.Millisecond))) }
		op := func() int {
			d := time.Millisecond + time.Duration(work.Int64N(int64(time.Millisecond)))
			if work.IntN(8) == 0 {
				d *= 40
			}
			time.Sleep(d)
			return int(d)
		}
		return load{pause: pause, workFn: op}
	}
}

func TestHeapKeepsPendingMoreEvenThanRoundRobinOnASkewedWorkload(t *testing.T) {
	for seed := range uint64(20) {
		synctest.Test(t, func(t *testing.T) {
			h := measurePolicy(false, 20, 5, 20, skewedWorkload(seed+1))
			rr := measurePolicy(true, 20, 5, 20, skewedWorkload(seed+1))
			if !(h.meanVariance < rr.meanVariance) {
				t.Errorf("seed %d: heap variance %.3f, round robin %.3f: want the heap's below", seed+1, h.meanVariance, rr.meanVariance)
			}
		})
	}
}

func TestVariance(t *testing.T) {
	pool := func(pending ...int) Pool {
		var p Pool
		for _, n := range pending {
			p = append(p, &Worker{pending: n})
		}
		return p
	}
	for _, tc := range []struct {
		p    Pool
		want float64
	}{
		{pool(3), 0},
		{pool(2, 2, 2), 0},
		{pool(0, 2), 1},
		{pool(1, 2, 3, 4), 1.25},
		{pool(0, 0, 0, 4), 3},
	} {
		if got := variance(tc.p); got != tc.want {
			t.Errorf("variance of %d workers = %v, want %v", len(tc.p), got, tc.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 200; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		ds   []time.Duration
		q    int
		want string
	}{
		{ds, 50, "100.000ms"}, {ds, 99, "198.000ms"}, {ds, 100, "200.000ms"}, {ds, 1, "2.000ms"},
		{ds[:1], 50, "1.000ms"}, {ds[:1], 99, "1.000ms"},
		{ds[:10], 50, "5.000ms"}, {ds[:10], 99, "10.000ms"},
		{[]time.Duration{1234567}, 50, "1.235ms"},
		{nil, 50, "-"},
	} {
		if got := percentile(tc.ds, tc.q); got != tc.want {
			t.Errorf("p%d of %d values = %s, want %s", tc.q, len(tc.ds), got, tc.want)
		}
	}
}

func TestTalkWorkloadIsTheTalksShape(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const nWorker = 4
		wl := talkWorkload(9, nWorker)
		l0, l1, again0 := wl(0), wl(1), wl(0)
		var p0, p1, a0 []time.Duration
		for range 100 {
			p0, p1, a0 = append(p0, l0.pause()), append(p1, l1.pause()), append(a0, again0.pause())
		}
		if !slices.Equal(p0, a0) || slices.Equal(p0, p1) {
			t.Error("one seed must give requester 0 one workload, and requester 1 another")
		}
		if m := slices.Max(p0); m >= nWorker*2*unit || m < nWorker*2*unit*9/10 {
			t.Errorf("largest of 100 pauses %v, want just under %v", m, nWorker*2*unit)
		}
		// The work sleeps nWorker times what it returns, a draw under one unit.
		for range 20 {
			start := time.Now()
			n := l0.workFn()
			if n < 0 || time.Duration(n) >= unit || time.Since(start) != nWorker*time.Duration(n) {
				t.Fatalf("op returned %d after %v, want a draw under %v and %d times it", n, time.Since(start), unit, nWorker)
			}
		}
	})
}

// TestAWorkerReportsWithoutWaitingForTheBalancer: done has room for every
// worker, so a worker that has answered goes on to its next request even
// while the balancer is not receiving (here it never runs).
func TestAWorkerReportsWithoutWaitingForTheBalancer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBalancer(1, 2)
		w := b.pool[0]
		c := make(chan int)
		w.requests <- Request{func() int { return 1 }, c}
		w.requests <- Request{func() int { return 2 }, c}
		for want := range []int{1, 2} {
			select {
			case got := <-c:
				if got != want+1 {
					t.Fatalf("answer %d, want %d", got, want+1)
				}
			case <-time.After(time.Hour):
				t.Fatalf("answer %d never came: the worker is stuck sending on done while the balancer is not receiving (done needs room for every worker)", want+1)
			}
		}
		<-b.done
		<-b.done
		close(w.requests)
		b.workers.Wait()
	})
}

func BenchmarkDispatchAndCompleted(b *testing.B) {
	bal := &Balancer{}
	for range 10 {
		heap.Push(&bal.pool, &Worker{requests: make(chan Request, 1)})
	}
	for b.Loop() {
		bal.dispatch(Request{})
		w := bal.pool[len(bal.pool)-1]
		for _, x := range bal.pool {
			if x.pending > 0 {
				w = x
				break
			}
		}
		<-w.requests
		bal.completed(w)
	}
}
