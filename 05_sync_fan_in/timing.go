package main

// Plumbing for programs whose lesson is timing: random pauses, and a time
// column. Each helper here is the same in every folder that uses it.

import (
	"fmt"
	"io"
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

// stampWriter puts the time since its creation, in milliseconds, before each
// line. Each Write must be one whole line, as fmt.Fprintln writes it; only one
// goroutine may write.
type stampWriter struct {
	w     io.Writer
	start time.Time
}

func newStampWriter(w io.Writer) *stampWriter { return &stampWriter{w, time.Now()} }

func (s *stampWriter) Write(p []byte) (int, error) {
	_, err := fmt.Fprintf(s.w, "%4dms %s", time.Since(s.start).Milliseconds(), p)
	return len(p), err
}
