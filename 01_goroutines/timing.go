package main

// Plumbing for programs whose lesson is timing: random pauses. Each helper
// here is the same in every folder that uses it.

import (
	"math/rand/v2"
	"time"
)

// randomPauses returns a source of pauses in whole milliseconds in [0, longest),
// drawn from its own stream of seed. Each goroutine that pauses needs its own
// source: a rand.Rand is not safe for concurrent use.
func randomPauses(seed, stream uint64, longest time.Duration) func() time.Duration {
	r := rand.New(rand.NewPCG(seed, stream))
	return func() time.Duration { return time.Duration(r.Int64N(longest.Milliseconds())) * time.Millisecond }
}
