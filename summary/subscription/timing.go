package main

// Plumbing for programs whose lesson is timing: a time column. Each helper
// here is the same in every folder that uses it.

import (
	"fmt"
	"io"
	"time"
)

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
