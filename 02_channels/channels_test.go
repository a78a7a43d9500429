package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestUnbufferedSendWaitsForTheReceiver(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := make(chan string)
		sent := false
		go func() {
			c <- "ping"
			sent = true
		}()
		synctest.Wait() // every other goroutine in the bubble is now blocked
		if sent {
			t.Fatal("the send finished before anyone received")
		}
		if got := <-c; got != "ping" {
			t.Fatalf("received %q, want %q", got, "ping")
		}
		synctest.Wait()
		if !sent {
			t.Fatal("the send did not finish after the receive")
		}
	})
}

func TestBufferAcceptsCapacitySendsThenBlocks(t *testing.T) {
	for k := range 5 {
		t.Run(fmt.Sprintf("capacity %d", k), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := make(chan int, k)
				done := 0 // written by the sender, read only after synctest.Wait
				go func() {
					for i := range k + 1 {
						c <- i
						done++
					}
				}()
				synctest.Wait()
				if done != k {
					t.Fatalf("%d sends completed with nobody receiving, want %d", done, k)
				}
				<-c // frees one slot (or, unbuffered, meets the waiting sender)
				synctest.Wait()
				if done != k+1 {
					t.Fatalf("after one receive %d sends completed, want %d", done, k+1)
				}
				for range k {
					<-c
				}
			})
		})
	}
}

func TestValuesArriveInTheOrderSent(t *testing.T) {
	for _, capacity := range []int{0, 1, 10, 1000} {
		c := make(chan int, capacity)
		go func() {
			for i := range 1000 {
				c <- i
			}
			close(c)
		}()
		want := 0
		for got := range c {
			if got != want {
				t.Fatalf("capacity %d: received %d, want %d", capacity, got, want)
			}
			want++
		}
		if want != 1000 {
			t.Fatalf("capacity %d: received %d values, want 1000", capacity, want)
		}
	}
}

func TestBoringSendsNumberedMessagesThenReturns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		c := make(chan string)
		go boring("Joe", c, 3, func() time.Duration { return 10 * time.Millisecond })
		for i := range 3 {
			got := <-c
			if want := fmt.Sprintf("Joe %d", i); got != want {
				t.Fatalf("message %q, want %q", got, want)
			}
			if at, want := time.Since(start), time.Duration(i+1)*10*time.Millisecond; at != want {
				t.Fatalf("message %d arrived at %v, want %v", i, at, want)
			}
		}
		// boring has returned: a leftover goroutine would fail synctest.Test.
	})
}

func TestHandOffShowsSynchronisation(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var ds []time.Duration
		for _, n := range ns {
			ds = append(ds, time.Duration(n)*time.Millisecond)
		}
		return ds
	}
	for _, tc := range []struct {
		capacity int
		sent     []time.Duration
	}{
		{0, ms(30, 60, 90)}, // each send completes at its receive
		{1, ms(0, 30, 60)},  // one slot: the sender runs one value ahead
		{2, ms(0, 0, 30)},
		{3, ms(0, 0, 0)}, // room for every value: nobody waits
		{4, ms(0, 0, 0)},
	} {
		synctest.Test(t, func(t *testing.T) {
			sent, received := handOff(tc.capacity, 3, 30*time.Millisecond)
			if !slices.Equal(sent, tc.sent) {
				t.Errorf("capacity %d: sends completed at %v, want %v", tc.capacity, sent, tc.sent)
			}
			if want := ms(30, 60, 90); !slices.Equal(received, want) {
				t.Errorf("capacity %d: received at %v, want %v", tc.capacity, received, want)
			}
		})
	}
}

func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if err := run(&out, []string{"-n", "3", "-seed", "1"}); err != nil {
			t.Fatal(err)
		}
		want := `You say: "boring! 0"
You say: "boring! 1"
You say: "boring! 2"
You're boring; I'm leaving.

A sender sends 3 values as fast as it can; main receives one every 30ms.
  unbuffered: sends completed at 30ms 60ms 90ms
  buffer 1:   sends completed at 0ms 30ms 60ms
  buffer 3:   sends completed at 0ms 0ms 0ms
Unbuffered, each send waits for its receive; a buffer of k lets k sends go ahead.
`
		if out.String() != want {
			t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "-1"}, "-n must be at least 0, got -1"},
		{[]string{"-n", "five"}, "invalid value"},
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
