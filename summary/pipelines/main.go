package main

import (
	"crypto/md5"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// treeFiles is how many files the program writes to a temporary tree for the
// MD5Alls to digest.
const treeFiles = 100

func main() {
	digesters := flag.Int("digesters", 20, "goroutines the bounded MD5All reads files with (1 to 1000)")
	slow := flag.Duration("slow", 5*time.Millisecond, "how long each read waits first, as on a slow disk (0s to 100ms)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "Pipelines stopped early with done, then MD5All serial, parallel and bounded: how many files each reads at once.")
		fmt.Fprintln(os.Stderr, "usage: go run ./summary/pipelines [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := check(*digesters, *slow, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	if err := show(os.Stdout, *digesters, *slow); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ledger(os.Stdout, 100*time.Millisecond)
}

// check returns an error unless the flags are in range and no argument
// follows them.
func check(digesters int, slow time.Duration, args []string) error {
	switch {
	case digesters < 1 || digesters > 1000:
		return fmt.Errorf("-digesters must be between 1 and 1000, got %d", digesters)
	case slow < 0 || slow > 100*time.Millisecond:
		return fmt.Errorf("-slow must be between 0s and 100ms, got %v", slow)
	case len(args) > 0:
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show is the whole program but its flags: the squares pipelines, then the
// three MD5Alls on a temporary tree, each read waiting slow.
func show(w io.Writer, digesters int, slow time.Duration) error {
	fmt.Fprintln(w, "Pipelines: squares through gen, sq and merge, stopped early with done; then MD5All three ways.")
	fmt.Fprintf(w, "square: %s\n", printed(square))
	fmt.Fprintf(w, "fan-out, fan-in: %s (two sq stages: either order)\n", printed(fanOut))

	var got strings.Builder
	out := stopShort(&got)
	held := <-out // the value a goroutine was still blocked trying to send
	fmt.Fprintf(w, "stopping short: took %s; %d was still on its way out of merge (a leak, had we not drained it here)\n",
		strings.TrimSpace(got.String()), held)
	fmt.Fprintf(w, "explicit cancellation: took %s; closing done releases every stage (the last line counts any left)\n", printed(cancellation))

	dir, err := os.MkdirTemp("", "pipelines")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := writeTree(dir, treeFiles); err != nil {
		return err
	}
	fmt.Fprintf(w, "MD5All of a temporary tree of %d files, each read waiting %v first (a slow disk):\n", treeFiles, slow)
	fmt.Fprintln(w, "  way        time  most reads at once")
	var reads inFlight
	f := files{reads.counted(slow)}
	var first map[string][md5.Size]byte
	for i, way := range []struct {
		name, how string
		md5All    func(root string) (map[string][md5.Size]byte, error)
	}{
		{"serial", "one file after another", serial{f}.MD5All},
		{"parallel", "a goroutine per file", parallel{f}.MD5All},
		{"bounded", fmt.Sprintf("%d digesters", digesters), bounded{f, digesters}.MD5All},
	} {
		reads.most = 0 // the MD5All before this one has returned with all its reads ended
		start := time.Now()
		m, err := way.md5All(dir)
		if err != nil {
			return fmt.Errorf("%s MD5All: %w", way.name, err)
		}
		fmt.Fprintf(w, "  %-8s %6v %4d  %s\n", way.name, time.Since(start).Round(time.Millisecond), reads.most, way.how)
		if i == 0 {
			first = m
		} else if !maps.Equal(first, m) { // a bug, or the tree changed while we read it
			return fmt.Errorf("the serial and %s MD5Alls disagree", way.name)
		}
	}
	fmt.Fprintf(w, "the three agree on all %d sums\n", len(first))
	return nil
}

// inFlight counts the reads under way and remembers the most at once.
type inFlight struct {
	mu        sync.Mutex
	now, most int
}

// counted returns a reader like os.ReadFile that waits slow before reading,
// as a slow disk would, and is counted by r from its start to its end.
func (r *inFlight) counted(slow time.Duration) func(name string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		r.add(1)
		defer r.add(-1)
		time.Sleep(slow)
		return os.ReadFile(name)
	}
}

// add changes the number of reads under way by d, noting the most at once.
func (r *inFlight) add(d int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.now += d
	r.most = max(r.most, r.now)
}

// writeTree writes n small files with distinct contents under dir, in seven
// directories.
func writeTree(dir string, n int) error {
	for i := range n {
		sub := filepath.Join(dir, fmt.Sprintf("d%d", i%7))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return err
		}
		data := strings.Repeat(fmt.Sprintf("file %d\n", i), i%50+1)
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%03d.txt", i)), []byte(data), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// printed runs one of the article's mains and joins what it printed into one line.
func printed(f func(w io.Writer)) string {
	var b strings.Builder
	f(&b)
	return strings.Join(strings.Fields(b.String()), " ")
}
