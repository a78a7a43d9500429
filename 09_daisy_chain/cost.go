package main

// What the chain costs: the time to build it, the whisper's trip, and the
// memory of each gopher, measured while every gopher waits.

import (
	"fmt"
	"io"
	"runtime"
	"time"
)

// show is the whole program but its flags: a chain of n gophers, what comes
// out of it and, from 1000 gophers on, what the chain cost while all its
// gophers waited: the time to build it, the whisper's trip, and the time,
// stack and heap of each gopher. In a shorter chain the fixed costs of
// starting one (the first goroutines, stacks reused from the runtime's
// caches) swamp the gophers'. The chain is built first thing in the program,
// so these are the costs of new goroutines; a program that has run
// goroutines before reuses their stacks and records and allocates less (see
// BenchmarkDaisyChain).
func show(w io.Writer, n int) {
	fmt.Fprintf(w, "Gophers in the chain: %d, each adding one. 0 goes in at the right; out at the left comes\n", n)
	var before, built runtime.MemStats
	runtime.ReadMemStats(&before)
	var build time.Duration
	start := time.Now()
	daisyChain(w, n, func() {
		build = time.Since(start)
		runtime.ReadMemStats(&built) // stops the world for a moment: not part of the trip
		start = time.Now()           // the whisper's trip starts
	})
	trip := time.Since(start) // includes printing the result
	if n < 1000 {
		return
	}
	// TotalAlloc only grows, so a collection during the build does not hide
	// what the chain allocated; the chain makes no garbage.
	heap := float64(built.TotalAlloc-before.TotalAlloc) / float64(n)
	stack := float64(int64(built.StackInuse)-int64(before.StackInuse)) / float64(n)
	fmt.Fprintf(w, "  built in %v, %v a gopher; the whisper's trip took %v, %v a hop\n", build.Round(time.Microsecond), build/time.Duration(n), trip.Round(time.Microsecond), trip/time.Duration(n))
	fmt.Fprintf(w, "  memory: %.0f bytes a gopher (%.0f of stack, %.0f of heap for the goroutine and its channel)\n", stack+heap, stack, heap)
}
