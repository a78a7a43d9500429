// This program plays ping-pong on a channel, then reads fake feeds through
// subscriptions, after Sameer Ajmani's sequel to the talk: one for-select loop
// owns all of a subscription's state, stops when told, and reports the last
// fetch error.
//
// Slides: "Example: ping-pong" to "Implemented Subscribe", each named above
// the code it shows (Advanced Go Concurrency Patterns, Sameer Ajmani, Google
// I/O 2013).
//
// What to notice: whoever holds the *Ball may change it, and passing it on
// the table hands over that right. Main wakes while a player is waiting for
// the ball, so main gets it one hit later (pingPong says what a real run
// shows). With no ball tossed in, the runtime reports the deadlock and dumps
// every goroutine's stack; a child process runs that game, so the demo goes
// on. The naive loop (naive.go, built with -tags naive) has the talk's three
// bugs. The fixed loop keeps pending, next, err, seen and fetchDone in local
// variables: no locks. A nil channel switches a case off: no fetch while one
// runs or maxPending items wait, no send while nothing waits. Close sends a
// reply channel and gets the last fetch's error back. Merge closes every
// subscription it merges.
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
// taken back after a while. When main wakes, one player holds the ball and
// the other waits for it. Go's runtime serves a channel's waiting receivers
// in the order they came, so the next put-back goes to the waiting player and
// main gets the ball at the one after: one hit later. In virtual time main
// wakes at 95ms during hit 10, hit 11 comes at 100ms and main has the ball at
// 110ms. In a real run each sleep ends a little late and the lateness adds up,
// so main may wake during hit 9 and the game end after hit 10; either way the
// program's time column shows main with the ball one hold (10ms) after the
// last hit.
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
// goroutines, as the talk's next slide, "Panic dumps the stacks", does with a
// panic. main.go runs it in a child process.
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
	// Changed: Close's result goes to main, which prints it once the stream has
	// ended, so that only one goroutine writes the output.
	closed := make(chan error)
	time.AfterFunc(after, func() {
		closed <- merged.Close()
	})

	// Print the stream.
	for it := range merged.Updates() {
		fmt.Fprintln(w, it.Channel, it.Title)
	}
	fmt.Fprintln(w, "closed:", <-closed) // printed once the stream has ended
	// Changed: no panic("show me the stacks") here: no goroutine is left to show.
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
// Fetch. It must be called once: a second Close would wait for ever, as loop
// has returned and nobody receives on s.closing. Close does not wait for a
// Fetch in flight: that goroutine ends when Fetch returns, and a Fetch that
// never returns outlives the subscription, since the talk's Fetcher has no
// way to be told to stop (a Fetch that took a context.Context could be
// cancelled by loop).
func (s *sub) Close() error {
	errc := make(chan error)
	s.closing <- errc // a request to loop: exit, and reply on errc
	return <-errc     // loop's reply
}

// loop periodically fetches Items, sends them on s.updates, and exits when
// Close is called. Its state is its local variables: no other goroutine can
// reach them, so nothing needs a lock.
func (s *sub) loop() {
	const maxPending = 10 // "Fix: Disable fetch case when too much pending"
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
	// once and err make a second Close safe (see Close).
	once sync.Once
	err  error // the first Close's result
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
// among theirs. Changed: a second Close returns the first one's result; the
// talk's would close m.quit again and panic.
func (m *merge) Close() error {
	m.once.Do(func() {
		close(m.quit)
		for range m.subs {
			if e := <-m.errs; e != nil {
				m.err = e
			}
		}
		close(m.updates) // every sender has sent its error: nobody sends on updates any more
	})
	return m.err
}

// The fake fetcher ("Example" runs on one).

// Fetch returns a Fetcher for Items from domain: a fake feed that publishes
// its first item phase after it is created and each next one 0 to 200ms
// (steps of 50ms) after the previous, drawn from stream of seed.
// Changed: phase, seed and stream make each feed's times its own and
// replayable; with distinct phases no two feeds publish at one instant.
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
// Changed: the talk's fake makes one new item per call and returns it (or,
// with FakeDuplicates, every item so far), with next 0 to 2s away; this one,
// like a real feed, repeats items across fetches, so the GUID filter has work.
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
