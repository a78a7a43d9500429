// A load balancer hands each request to the least loaded worker of a pool:
// requesters, workers and one balancer, each a goroutine, joined by channels,
// and a heap that keeps the workers ordered by their pending work.
//
// Slides: "Load balancer", "Request definition", "Requester function", "Worker
// definition", "Worker", "Balancer definition", "Balancer function", "A heap of
// channels", "Dispatch", "Completed" (Rob Pike, Concurrency is not Parallelism,
// Waza 2012).
//
// What to notice: a Request carries its own reply channel, so a worker answers
// the requester directly and the balancer never sees a result. The balancer is
// one goroutine running one select loop, the only one that touches the pool,
// so the heap needs no lock. The talk's code keeps a round-robin dispatch
// behind `if false`; the program measures both policies on one workload and
// prints, for each, the variance of pending requests across workers and the
// requests' latency. The heap keeps the load far more even; with the default
// seed it also cuts the slow tail (p99), while the medians come out close.
//
// A seed replays the workload (every pause and every piece of work), not the
// timings: in a real run sleeps end a little late and the events interleave
// differently, so the numbers vary from run to run; in a test's virtual time
// they are exact.
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
// for the answer, n times.
// Changed: pause, workFn and furtherProcess are arguments (the talk's rand call
// and package functions), so the caller chooses the load and hears the latency.
func requester(work chan<- Request, n int, pause func() time.Duration, workFn func() int, furtherProcess func(result int, latency time.Duration)) {
	c := make(chan int)
	for range n { // Changed: n requests, then return (the talk loops forever).
		// Kill some time (fake load).
		time.Sleep(pause())
		sent := time.Now()         // Changed: timed, for the latency the program prints.
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

	// Changed: the talk's `if false` branch in dispatch and completed, as a
	// choice, so one run can compare the two policies.
	roundRobin bool
	i          int // the next worker in round-robin order
	// Changed: called after each event, where the talk's code prints the
	// pool; it feeds the variance the program prints.
	after   func(p Pool)
	workers sync.WaitGroup // Changed: the worker goroutines, waited for at the end.
}

// NewBalancer starts nWorker workers, each with room in its requests channel
// for one request from each of nRequester requesters.
// Changed: the two counts are arguments (the talk's constants).
func NewBalancer(nWorker, nRequester int) *Balancer {
	// Buffered to the number of workers: a worker that has answered puts
	// itself in done and goes on with its next request without waiting for
	// the balancer's select.
	done := make(chan *Worker, nWorker)
	b := &Balancer{pool: make(Pool, 0, nWorker), done: done}
	for range nWorker {
		// Buffered to the number of requesters: each has at most one request
		// out, so the balancer's send never waits for the worker.
		w := &Worker{requests: make(chan Request, nRequester)}
		heap.Push(&b.pool, w)
		b.workers.Go(func() { w.work(b.done) }) // counted, so balance can wait for it
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
		if b.after != nil { // the talk's code prints the pool here
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
// Changed: Swap has a value receiver and Push appends (the talk's balance.go
// swaps through a *Pool and reslices within the pool's capacity): the same
// effect, written the way container/heap's own example writes it.
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
	w.index = -1 // for safety: a popped worker has no place until Push gives it one
	*p = old[:len(old)-1]
	return w
}

// dispatch sends the request to the least loaded worker.
func (b *Balancer) dispatch(req Request) {
	if b.roundRobin { // the talk's `if false` branch
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
	if b.roundRobin { // the talk's `if false` branch: no heap order to restore
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
