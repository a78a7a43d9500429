package main

// What the chain costs: the time to build it, the whisper's trip, and the
// memory of each gopher, measured while every gopher waits.

import (
	"fmt"
	"io"
	"runtime"
	"time"
)

// fewGophers is the shortest chain for which measureChain prints a cost a
// gopher. In a shorter one the fixed costs of starting a chain (the first
// goroutines, stacks reused from the runtime's caches) outweigh the gophers.
const fewGophers = 1000

// measureChain runs daisyChain(w, n) and prints what the chain cost while
// all its gophers waited: the time to build it, the whisper's trip and, from
// fewGophers on, the time and the stack and heap of each gopher; with no
// gophers, nothing. The chain is
// built first thing in the program, so these are the costs of new goroutines;
// a program that has run goroutines before reuses their stacks and records
// and allocates less (see BenchmarkDaisyChain).
func measureChain(w io.Writer, n int) {
	var before, built runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	var build time.Duration
	var tripStart time.Time
	daisyChain(w, n, func() {
		build = time.Since(start)
		runtime.ReadMemStats(&built) // stops the world for a moment: not part of the trip
		tripStart = time.Now()
	})
	trip := time.Since(tripStart) // includes printing the result
	switch {
	case n == 0:
		return // nothing was built
	case n < fewGophers:
		fmt.Fprintf(w, "  building the chain: %v\n  the whisper's trip: %v\n", sig3(build), sig3(trip))
		fmt.Fprintf(w, "  a gopher's cost: not shown under %d gophers, where the chain's fixed costs swamp it\n", fewGophers)
		return
	}
	// TotalAlloc only grows, so a collection during the build does not hide
	// what the chain allocated; the chain makes no garbage.
	heap := float64(built.TotalAlloc-before.TotalAlloc) / float64(n)
	stack := float64(int64(built.StackInuse)-int64(before.StackInuse)) / float64(n)
	each := time.Duration(n)
	fmt.Fprintf(w, "  building the chain: %v, %v a gopher\n", sig3(build), sig3(build/each))
	fmt.Fprintf(w, "  the whisper's trip: %v, %v a hop\n", sig3(trip), sig3(trip/each))
	fmt.Fprintf(w, "  memory: %.0f bytes a gopher (%.0f of stack, %.0f of heap for the goroutine and its channel)\n", stack+heap, stack, heap)
}

// sig3 rounds d to three significant digits: 21.3456ms to 21.3ms, 6460ns to
// 6.46µs.
func sig3(d time.Duration) time.Duration {
	unit := time.Duration(1)
	for d >= 1000*unit {
		unit *= 10
	}
	return d.Round(unit)
}
