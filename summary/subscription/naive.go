//go:build naive

// This file is built only with -tags naive: its Close races with its loop,
// so any test that calls it fails under the race detector, as the talk says
// it should. See naive_test.go for the commands.

package main

import "time"

// "Naive Implementation"

// NaiveSubscribe returns a Subscription whose loop has the talk's three bugs.
func NaiveSubscribe(fetcher Fetcher) Subscription {
	s := &naiveSub{
		fetcher: fetcher,
		updates: make(chan Item),
	}
	go s.loop()
	return s
}

type naiveSub struct {
	fetcher Fetcher
	updates chan Item
	closed  bool
	err     error
}

func (s *naiveSub) Updates() <-chan Item {
	return s.updates
}

func (s *naiveSub) loop() {
	for {
		if s.closed { // Bug 1: read here, written by Close in another goroutine
			close(s.updates)
			return
		}
		items, next, err := s.fetcher.Fetch()
		if err != nil {
			s.err = err                 // Bug 1: written here, read by Close
			time.Sleep(1 * time.Second) // Bug 2: Close is noticed only after the sleep (the talk's 10s, divided by ten)
			continue
		}
		for _, item := range items {
			s.updates <- item // Bug 3: blocks forever once nobody receives
		}
		if now := time.Now(); next.After(now) {
			time.Sleep(next.Sub(now)) // Bug 2
		}
	}
}

// "Bug 1: unsynchronized access to s.closed/s.err"

func (s *naiveSub) Close() error {
	s.closed = true // Bug 1
	return s.err    // Bug 1
}
