// Load_balancer hands each request to the least loaded of a pool of workers:
// requesters, workers and one balancer, each a goroutine, composed with
// channels, and a heap that keeps the workers ordered by their pending work.
//
// Slides: "Load balancer", "Request definition", "Requester function", "Worker
// definition", "Worker", "Balancer definition", "Balancer function", "A heap of
// channels", "Dispatch", "Completed" (Rob Pike, Concurrency is not Parallelism,
// Waza 2012).
//
// What to notice: a Request carries its own reply channel (channels are
// first-class values), so a worker answers the requester directly and the
// balancer never sees a result. The balancer is one goroutine running one
// select loop: it is the only one who touches the pool, so the heap needs no
// lock. A worker's requests channel is buffered to the number of requesters
// (each requester has at most one request out, so dispatch never waits for a
// busy worker); done is buffered to the number of workers, so a worker that has
// answered can report it without waiting for the balancer's turn. The talk's
// claim, that sending to the least loaded worker balances better than taking
// turns, becomes a measurement: run prints the variance of pending requests
// across workers and the requests' latency for both policies, on one workload.
// On the default workload the medians come out close; the heap's gain is in
// the evenness (variance) and the slow tail (p99).
//
// Changed from the talk:
//   - requester sends n requests and returns instead of looping forever; when
//     every requester is done, work is closed, the balancer hears every
//     outstanding completion, closes each worker's requests channel (the
//     worker's loop ranges over it, so it ends) and waits for the workers. No
//     goroutine is left: the talk's ran until the process was killed.
//   - the pause and the work of a requester are arguments (the talk's rand
//     calls), so a test chooses them, and the requester times each request and
//     hands the latency to furtherProcess along with the result.
//   - the balancer keeps the talk's round-robin dispatch (behind `if false` in
//     the talk's code) as a roundRobin field, and calls after, when set, after
//     each event, where the talk's code prints the pool: run measures it.
//   - the talk's constants (100 requesters, 10 workers, work up to 1s times
//     the number of workers, pauses up to 2s times it) keep their shape with
//     milliseconds for seconds, so a run takes well under two seconds.
package main

import (
	"container/heap"
	"sync"
	"time"
)

// A Request is what the requester sends to the balancer: the operation to
// perform and the channel to return the result on.
type Request struct {
	fn func() int // The operation to perform.
	c  chan int   // The channel to return the result.
}

// requester is a load generator: it kills some time, sends a request and waits
// for the answer, n times. (Changed: n, pause, workFn and furtherProcess are
// arguments; the talk's are its loop, its rand call and package functions.)
func requester(work chan<- Request, n int, pause func() time.Duration, workFn func() int, furtherProcess func(result int, latency time.Duration)) {
	c := make(chan int)
	for range n { // Changed: n requests, then return (the talk loops forever).
		// Kill some time (fake load). Changed: pause(), for the talk's
		// rand.Int63n(nWorker * 2 * Second).
		time.Sleep(pause())
		sent := time.Now()         // Changed: timed for the latency table.
		work <- Request{workFn, c} // send request
		result := <-c              // wait for answer
		furtherProcess(result, time.Since(sent))
	}
}

// A Worker has a channel of requests plus some load tracking data.
type Worker struct {
	requests chan Request // work to do (buffered channel)
	pending  int          // count of pending tasks
	index    int          // index in the heap
}

// work answers each request sent to the worker and then tells the balancer it
// has finished one.
func (w *Worker) work(done chan *Worker) {
	for req := range w.requests { // get Request from balancer; Changed: ends when the balancer closes requests.
		req.c <- req.fn() // call fn and send result
		done <- w         // we've finished this request
	}
}

// A Pool is the balancer's workers, kept as a heap ordered by pending work.
type Pool []*Worker

// A Balancer has a pool of workers and a single channel on which workers
// report that a request is done.
type Balancer struct {
	pool Pool
	done chan *Worker

	roundRobin bool           // Changed: the talk's `if false` branch, as a choice.
	i          int            // the next worker in round-robin order
	after      func(p Pool)   // Changed: called after each event, where the talk's code prints.
	workers    sync.WaitGroup // Changed: the worker goroutines, waited for at the end.
}

// NewBalancer starts nWorker workers, each with room in its requests channel
// for one request from each of nRequester requesters. (Changed: the two
// counts are arguments, the talk's constants.)
func NewBalancer(nWorker, nRequester int) *Balancer {
	// Buffered to the number of workers: a worker that has answered puts
	// itself in done and goes on with its next request. (Unbuffered, it
	// would wait for the balancer's select; since dispatch never blocks,
	// see below, that wait is never long and no test can see it: in virtual
	// time it takes no time at all.)
	done := make(chan *Worker, nWorker)
	b := &Balancer{pool: make(Pool, 0, nWorker), done: done}
	for range nWorker {
		// Buffered to the number of requesters: each has at most one request
		// out, so the balancer's send never waits for the worker.
		w := &Worker{requests: make(chan Request, nRequester)}
		heap.Push(&b.pool, w)
		// Changed: counted, so balance can wait for it. (When balance closes
		// its requests a worker has nothing left to do and leaves at once;
		// the Wait makes that a guarantee. No test can tell the two.)
		b.workers.Go(func() { w.work(b.done) })
	}
	return b
}

// balance hands each request to a worker and hears each completion, in one
// select loop: the only goroutine that touches the pool.
func (b *Balancer) balance(work chan Request) {
	// Changed: the talk loops forever; this loop ends once no more requests
	// can come and every dispatched one is complete.
	for work != nil || b.pending() > 0 {
		select {
		case req, ok := <-work: // received a Request...
			if !ok { // Changed: every requester is done and work is closed.
				work = nil // a nil channel is never ready: select waits on done alone
				continue
			}
			b.dispatch(req) // ...so send it to a Worker
		case w := <-b.done: // a worker has finished ...
			b.completed(w) // ...so update its info
		}
		if b.after != nil { // Changed: the talk's code prints the pool here.
			b.after(b.pool)
		}
	}
	for _, w := range b.pool {
		close(w.requests) // Changed: the worker's range loop ends.
	}
	b.workers.Wait()
}

// Less orders the pool by load: the least loaded worker is at the top.
func (p Pool) Less(i, j int) bool {
	return p[i].pending < p[j].pending
}

// Len, Swap, Push and Pop complete heap.Interface; Swap, Push and Pop keep each
// worker's index current, so completed can find it in the heap.
func (p Pool) Len() int { return len(p) }

func (p Pool) Swap(i, j int) {
	p[i], p[j] = p[j], p[i]
	p[i].index = i
	p[j].index = j
}

func (p *Pool) Push(x any) {
	w := x.(*Worker)
	w.index = len(*p)
	*p = append(*p, w)
}

func (p *Pool) Pop() any {
	old := *p
	w := old[len(old)-1]
	old[len(old)-1] = nil // let the slot forget the worker
	w.index = -1          // for safety: a popped worker has no place until Push gives it one
	*p = old[:len(old)-1]
	return w
}

// dispatch sends the request to the least loaded worker.
func (b *Balancer) dispatch(req Request) {
	if b.roundRobin { // Changed: the talk's `if false` branch, for comparison.
		w := b.pool[b.i]
		w.requests <- req
		w.pending++
		b.i++
		if b.i >= len(b.pool) {
			b.i = 0
		}
		return
	}
	// Grab the least loaded worker...
	w := heap.Pop(&b.pool).(*Worker)
	// ...send it the task.
	w.requests <- req
	// One more in its work queue.
	w.pending++
	// Put it into its place on the heap.
	heap.Push(&b.pool, w)
}

// completed notes that w has finished a request.
func (b *Balancer) completed(w *Worker) {
	if b.roundRobin { // Changed: round robin keeps no order, so nothing to restore.
		w.pending--
		return
	}
	// One fewer in the queue.
	w.pending--
	// Remove it from heap.
	heap.Remove(&b.pool, w.index)
	// Put it into its place on the heap.
	heap.Push(&b.pool, w)
}

// pending is the number of requests dispatched and not yet completed.
func (b *Balancer) pending() int {
	n := 0
	for _, w := range b.pool {
		n += w.pending
	}
	return n
}

// loadBalance is the talk's main: requesters send their work to one balancer.
// Each requester's pause, work and what it does with the answer come from
// requesters[i].
func loadBalance(b *Balancer, n int, requesters []load) {
	work := make(chan Request)
	var wg sync.WaitGroup // Changed: counts the requesters, so work can be closed.
	for _, r := range requesters {
		wg.Go(func() { requester(work, n, r.pause, r.workFn, r.furtherProcess) })
	}
	go func() {
		wg.Wait()
		close(work) // Changed: the senders are done: balance stops taking requests.
	}()
	b.balance(work)
}

// load is what one requester does: how long it pauses, the work it asks for,
// and what it does with each answer.
type load struct {
	pause          func() time.Duration
	workFn         func() int
	furtherProcess func(result int, latency time.Duration)
}
