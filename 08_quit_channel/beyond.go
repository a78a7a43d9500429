package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Going further: where the quit channel led, after the talk.
//
// A send on a quit channel stops one goroutine. Go 1.7's context.Context
// turned the idea around: ctx.Done() is a quit channel that cancel closes
// instead of sending on, and a closed channel is ready for every receiver at
// once, so one cancel stops every goroutine sharing the context.
//
// The round trip became the Close() error idiom of Sameer Ajmani's "Advanced
// Go Concurrency Patterns" (2013): Close sends a reply channel on the quit
// channel (a chan chan error), and the goroutine answers on it with what its
// cleanup returned.
//
// Both speakers here also listen while they pause, so they stop at once
// instead of finishing the pause.

// cancelStopsEveryone starts Joe and Ann on one context, made from its
// caller's, listens to each twice, then stops both with one cancel and waits
// until both have closed their channels.
func cancelStopsEveryone(ctx context.Context, w io.Writer, joePause, annPause func() time.Duration) {
	ctx, cancel := context.WithCancel(ctx)
	joe := boringContext(ctx, "Joe", joePause)
	ann := boringContext(ctx, "Ann", annPause)
	for range 2 {
		fmt.Fprintln(w, <-joe)
		fmt.Fprintln(w, <-ann)
	}
	cancel() // one call: both speakers' ctx.Done() is now closed
	// Each speaker closes its channel when it stops, which ends these loops.
	for range joe {
	}
	for range ann {
	}
	fmt.Fprintln(w, "main: cancel(); Joe and Ann have both stopped and closed their channels.")
}

// boringContext sends numbered messages on the channel it returns, pausing
// before each, until ctx is done; then it closes the channel.
func boringContext(ctx context.Context, msg string, pause func() time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		defer close(c) // the sender closes: a receiver's range ends
		for i := 0; ; i++ {
			select {
			case <-time.After(pause()):
			case <-ctx.Done(): // cancelled mid-pause: stop now
				return
			}
			select {
			case c <- fmt.Sprintf("%s: %d", msg, i):
			case <-ctx.Done():
				return
			}
		}
	}()
	return c
}

// closeReturnsTheError listens to Joe twice, then closes him and prints the
// error his cleanup returned, which Close hands back.
func closeReturnsTheError(w io.Writer, pause func() time.Duration, cleanup func() error) {
	s := newSpeaker("Joe", pause, cleanup)
	for range 2 {
		fmt.Fprintln(w, <-s.C)
	}
	fmt.Fprintf(w, "main: Close() returned the cleanup's error: %v\n", s.Close())
}

// A Speaker sends numbered messages on C until Close is called.
type Speaker struct {
	C       <-chan string
	closing chan chan error // Close sends a reply channel; the speaker answers on it
}

// newSpeaker starts a Speaker whose cleanup runs when it is closed.
func newSpeaker(msg string, pause func() time.Duration, cleanup func() error) *Speaker {
	c := make(chan string)
	s := &Speaker{C: c, closing: make(chan chan error)}
	go func() {
		for i := 0; ; i++ {
			select {
			case <-time.After(pause()):
			case errc := <-s.closing: // closed mid-pause: stop now
				errc <- cleanup()
				return
			}
			select {
			case c <- fmt.Sprintf("%s: %d", msg, i):
			case errc := <-s.closing:
				errc <- cleanup()
				return
			}
		}
	}()
	return s
}

// Close stops the speaker and returns its cleanup's error. Call it once: a
// second call would wait for ever for a speaker that has gone.
func (s *Speaker) Close() error {
	// Unbuffered, as in Ajmani's talk: Close receives as soon as it has
	// sent, so a buffer would change nothing.
	errc := make(chan error)
	s.closing <- errc // blocks until the speaker takes the request
	return <-errc     // blocks until its cleanup has finished
}
