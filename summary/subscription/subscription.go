// Subscription follows Sameer Ajmani's sequel to the talk: a ping-pong table,
// then a feed reader whose subscription loop owns all its state in one
// for-select loop, stops when told, and reports the last fetch error.
//
// Slides: "Example: ping-pong", "Deadlock detection", "Panic dumps the
// stacks", "Example: feed reader", "Find an RSS client", "Here's what we
// have", "Here's what we want", "Example", "Subscribe", "Implementing
// Subscription", "What does loop do?", "Naive Implementation", "Bug 1:
// unsynchronized access to s.closed/s.err", "Race Detector", "Bug 2:
// time.Sleep may keep loop running", "Bug 3: loop may block forever on
// s.updates", "Solution", "Structure: for-select loop", "Case 1: Close", "Case
// 2: Fetch", "Case 3: Send", "Select and nil channels", "Case 3: Send
// (fixed)", "Select", "Bugs fixed", "Issue: Fetch may return duplicates",
// "Fix: Filter items before adding to pending", "Issue: Pending queue grows
// without bound", "Fix: Disable fetch case when too much pending", "Issue:
// Loop blocks on Fetch", "Fix: Run Fetch asynchronously", "Implemented
// Subscribe" (Advanced Go Concurrency Patterns, Sameer Ajmani, Google I/O
// 2013).
//
// What to notice:
//   - Ping-pong: the ball is a *Ball, and whoever holds it may change it:
//     passing it on the table channel hands over the right to touch it. A
//     player puts the ball back while the other is already waiting for it, so
//     they alternate; when main wakes to take the ball it waits in line behind
//     the waiting player and gets the ball one hit later. (Who hits first is up
//     to the scheduler.) If nobody tosses the ball in, every goroutine waits
//     for it and the runtime stops the program: "fatal error: all goroutines
//     are asleep - deadlock!", followed by the stack of every goroutine. The
//     program shows that in a child process (main.go), so that the demo itself
//     goes on; built with -race it only says so, as the race detector keeps the
//     runtime from seeing this deadlock (golang/go#20588).
//   - The naive loop (naive.go, built only with -tags naive) has the talk's
//     three bugs: Close and loop share closed and err without
//     synchronisation (the race detector reports it), a Close during
//     time.Sleep is noticed only when the sleep ends, and a send nobody
//     receives blocks the loop forever.
//   - The fixed loop is one goroutine that owns pending, next, err, seen and
//     fetchDone as local variables: no locks, no condition variables, no
//     callbacks. Each case is switched on or off by setting its channel to
//     nil: no fetch while one is running or while maxPending items wait; no
//     send while nothing waits. Close sends a reply channel (chan chan error)
//     and the loop answers with the last Fetch's error, then closes Updates.
//   - Merge closes every subscription it merges, whether its goroutines are
//     waiting to receive or to send.
//
// Changed from the talk:
//   - Durations are the talk's divided by ten: the ball is held 10ms and main
//     sleeps 95ms (not 100ms: see pingPong); a fake feed publishes items 0 to
//     200ms apart in steps of 50ms (the talk's fake next fetch, 0 to 2s); a
//     failed fetch is retried after 1s; the merged stream is closed after
//     300ms.
//   - player stops when main closes the table after taking the ball off it,
//     and pingPong waits for both players, so no goroutine outlives the game.
//   - Fetch(domain) takes a phase, a seed and a stream as well: the fake
//     fetcher is a feed that publishes items at seeded random times, each
//     feed at its own phase (10, 20 or 30ms past a multiple of 50ms), and like
//     a real feed each Fetch returns its latest three items, so the same item
//     comes back on several fetches and the GUID filter has work to do (and,
//     as with a real feed, a burst of four or more loses its oldest items).
//     Distinct phases mean no two feeds deliver at the same instant, so a
//     seed replays the same output.
//   - feedReader's timer hands Close's result to main through a channel and
//     main prints it after the stream ends, so that only one goroutine writes
//     the output; the talk's closing panic("show me the stacks") is gone:
//     there are no goroutines left to show.
//   - The talk's intermediate loops (Close only, Fetch only, Send only, the
//     three merged, then dedup and cap) are steps towards loop; loop is their
//     sum, and a comment names the slide where each step sits.
package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// "Example: ping-pong"

type Ball struct{ hits int }

// pingPong is the slide's main: two players and a table, the ball tossed in,
// taken back after a while.
func pingPong(w io.Writer) {
	table := make(chan *Ball)
	var wg sync.WaitGroup // Changed: main waits for both players to return.
	wg.Go(func() { player(w, "ping", table) })
	wg.Go(func() { player(w, "pong", table) })

	table <- new(Ball) // game on; toss the ball
	// Changed: 95ms, not the talk's 1s divided by ten: at exactly 100ms main
	// would wake as a player puts the ball back, and which of the two gets
	// in line first for the next catch would be up to the scheduler.
	time.Sleep(95 * time.Millisecond)
	<-table // game over; grab the ball (in line behind the waiting player)

	close(table) // Changed: tells the players the game is over.
	wg.Wait()
}

// player hits the ball and puts it back on the table. Only the player holding
// the ball writes to w, so the players never write at the same time.
func player(w io.Writer, name string, table chan *Ball) {
	for {
		ball, ok := <-table
		if !ok { // Changed: the table is closed, the game is over.
			return
		}
		ball.hits++
		fmt.Fprintln(w, name, ball.hits)
		time.Sleep(10 * time.Millisecond)
		table <- ball
	}
}

// "Deadlock detection"

// pingPongDeadlock is that slide's main: nobody tosses the ball, so the
// players wait on the table forever and so does main once its sleep is over.
// The runtime sees every goroutine blocked and ends the process with "fatal
// error: all goroutines are asleep - deadlock!" and the stacks of all three
// goroutines ("Panic dumps the stacks"). main.go runs it in a child process.
func pingPongDeadlock(w io.Writer) {
	table := make(chan *Ball)
	go player(w, "ping", table)
	go player(w, "pong", table)

	// table <- new(Ball) // game on; toss the ball
	time.Sleep(100 * time.Millisecond)
	<-table // game over; grab the ball: never comes
}

// "Find an RSS client"

// An Item is a stripped-down RSS item.
type Item struct{ Title, Channel, GUID string }

// "Here's what we have"

// A Fetcher fetches Items and returns the time when the next fetch should be
// attempted. On failure, Fetch returns a non-nil error.
type Fetcher interface {
	Fetch() (items []Item, next time.Time, err error)
}

// "Here's what we want"

// A Subscription delivers Items over a channel. Close cancels the
// subscription, closes the Updates channel, and returns the last fetch error,
// if any.
type Subscription interface {
	Updates() <-chan Item // stream of Items
	Close() error         // shuts down the stream
}

// "Example"

// feedReader is the slide's main: three feeds merged into one stream, closed
// after a while, the stream printed until it ends.
func feedReader(w io.Writer, after time.Duration, seed uint64) {
	// Subscribe to some feeds, and create a merged update stream.
	merged := Merge(
		Subscribe(Fetch("blog.golang.org", 10*time.Millisecond, seed, 1)),
		Subscribe(Fetch("googleblog.blogspot.com", 20*time.Millisecond, seed, 2)),
		Subscribe(Fetch("googledevelopers.blogspot.com", 30*time.Millisecond, seed, 3)))

	// Close the subscriptions after some time.
	closed := make(chan error) // Changed: the result goes to main, which receives it once the stream has ended.
	time.AfterFunc(after, func() {
		closed <- merged.Close()
	})

	// Print the stream.
	for it := range merged.Updates() {
		fmt.Fprintln(w, it.Channel, it.Title)
	}
	fmt.Fprintln(w, "closed:", <-closed) // Changed: printed here, after the stream has ended.
}

// "Subscribe"

// Subscribe returns a new Subscription that uses fetcher to fetch Items.
func Subscribe(fetcher Fetcher) Subscription {
	s := &sub{
		fetcher: fetcher,
		updates: make(chan Item),       // for Updates
		closing: make(chan chan error), // for Close
	}
	go s.loop()
	return s
}

// sub implements the Subscription interface.
type sub struct {
	fetcher Fetcher         // fetches items
	updates chan Item       // sends items to the user
	closing chan chan error // for Close
}

// "Implementing Subscription"

func (s *sub) Updates() <-chan Item {
	return s.updates
}

// "Case 1: Close"

// Close asks loop to exit and waits for its answer: the error of the last
// Fetch. It must be called once.
func (s *sub) Close() error {
	errc := make(chan error)
	s.closing <- errc // a request to loop: exit, and reply on errc
	return <-errc     // loop's reply
}

// "Fix: Disable fetch case when too much pending"

const maxPending = 10

// loop periodically fetches Items, sends them on s.updates, and exits when
// Close is called. Its state is its local variables: no other goroutine can
// reach them, so nothing needs a lock.
func (s *sub) loop() {
	// "Fix: Run Fetch asynchronously"
	type fetchResult struct {
		fetched []Item
		next    time.Time
		err     error
	}
	var fetchDone chan fetchResult // if non-nil, Fetch is running
	// "Case 2: Fetch", "Fix: Filter items before adding to pending"
	var pending []Item               // appended by fetch; consumed by send
	var next time.Time               // initially January 1, year 0
	var err error                    // set by each Fetch: the last one's error, or nil
	var seen = make(map[string]bool) // set of item.GUIDs
	for {
		var fetchDelay time.Duration // initially 0 (no delay)
		if now := time.Now(); next.After(now) {
			fetchDelay = next.Sub(now)
		}
		// "Fix: Disable fetch case when too much pending": checked before a
		// fetch, so pending may end up above maxPending by one fetch's items.
		var startFetch <-chan time.Time
		if fetchDone == nil && len(pending) < maxPending {
			startFetch = time.After(fetchDelay) // enable fetch case
		}
		// "Case 3: Send (fixed)", "Select and nil channels": a send on a nil
		// channel is never ready, so select skips it while pending is empty.
		var first Item
		var updates chan Item
		if len(pending) > 0 {
			first = pending[0]
			updates = s.updates // enable send case
		}
		// "Select"
		select {
		case <-startFetch:
			// Buffered: if Close comes first, the fetch still ends, as its
			// send never waits for a receiver.
			fetchDone = make(chan fetchResult, 1)
			go func() {
				fetched, next, err := s.fetcher.Fetch()
				fetchDone <- fetchResult{fetched, next, err}
			}()
		case result := <-fetchDone:
			fetchDone = nil // Fetch is over: the fetch case may run again
			fetched := result.fetched
			next, err = result.next, result.err
			if err != nil {
				next = time.Now().Add(1 * time.Second) // the talk's 10s, divided by ten
				break
			}
			for _, item := range fetched {
				if id := item.GUID; !seen[id] { // "Fix: Filter items before adding to pending"
					pending = append(pending, item)
					seen[id] = true
				}
			}
		case errc := <-s.closing: // "Case 1: Close"
			errc <- err
			close(s.updates) // tells receiver we're done
			return
		case updates <- first: // "Case 3: Send (fixed)"
			pending = pending[1:]
		}
	}
}

// "Implemented Subscribe": "More details online, including Merge."

type merge struct {
	subs    []Subscription
	updates chan Item
	quit    chan struct{}
	errs    chan error
}

// Merge returns a Subscription that merges the item streams from subs.
// Closing the merged subscription closes subs.
func Merge(subs ...Subscription) Subscription {
	m := &merge{
		subs:    subs,
		updates: make(chan Item),
		quit:    make(chan struct{}),
		errs:    make(chan error),
	}
	for _, sub := range subs {
		go func(s Subscription) {
			for {
				var it Item
				select {
				case it = <-s.Updates():
				case <-m.quit: // closed by Close: every goroutine sees it
					m.errs <- s.Close()
					return
				}
				select {
				case m.updates <- it:
				case <-m.quit: // also while nobody receives what we hold
					m.errs <- s.Close()
					return
				}
			}
		}(sub)
	}
	return m
}

func (m *merge) Updates() <-chan Item {
	return m.updates
}

// Close closes every merged subscription and returns the last non-nil error
// among theirs.
func (m *merge) Close() (err error) {
	close(m.quit)
	for range m.subs {
		if e := <-m.errs; e != nil {
			err = e
		}
	}
	close(m.updates) // every sender has returned: nobody sends on it any more
	return
}

// The fake fetcher ("Example" runs on one).

// Fetch returns a Fetcher for Items from domain: a fake feed that publishes
// its first item phase after it is created and each next one 0 to 200ms
// (steps of 50ms) after the previous, drawn from stream of seed.
// Changed: phase, seed and stream make each feed's times its own and
// replayable.
func Fetch(domain string, phase time.Duration, seed, stream uint64) Fetcher {
	return &fakeFetcher{
		channel: domain,
		rng:     rand.New(rand.NewPCG(seed, stream)),
		publish: time.Now().Add(phase),
	}
}

type fakeFetcher struct {
	channel string
	rng     *rand.Rand
	items   []Item    // published so far
	publish time.Time // when the next item will be published
}

// Fetch publishes every item due by now and returns the latest three, with
// the time of the next publication as the time to fetch again.
func (f *fakeFetcher) Fetch() (items []Item, next time.Time, err error) {
	now := time.Now()
	for !f.publish.After(now) {
		item := Item{
			Channel: f.channel,
			Title:   fmt.Sprintf("Item %d", len(f.items)),
		}
		item.GUID = item.Channel + "/" + item.Title
		f.items = append(f.items, item)
		f.publish = f.publish.Add(time.Duration(f.rng.IntN(5)) * 50 * time.Millisecond)
	}
	items = slices.Clone(f.items[max(0, len(f.items)-3):]) // a feed shows its latest items
	return items, f.publish, nil
}
