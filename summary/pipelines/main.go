package main

import (
	"cmp"
	"crypto/md5"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/trace"
	"slices"
	"strings"
	"time"
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) { // -h: exit status 0
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

const (
	name  = "pipelines"
	about = `pipelines: gen, sq and merge stopped early with done, then MD5All serial, parallel and bounded
usage: go run ./summary/pipelines [flags]`

	maxDigesters = 1000
	maxFiles     = 20_000 // the parallel MD5All starts a goroutine per file, each holding its file's contents
	shownSums    = 5      // sums printed without -all
)

// run parses args and shows the pipelines, writing what a reader sees to w.
func run(w io.Writer, args []string) (err error) {
	defer func() { // a file name may hold a newline, and main prints one line
		if err != nil && strings.Contains(err.Error(), "\n") {
			err = errors.New(strings.ReplaceAll(err.Error(), "\n", `\n`))
		}
	}()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	dir := fs.String("dir", ".", fmt.Sprintf("the file tree MD5All digests (.git directories are left out; at most %d files)", maxFiles))
	digesters := fs.Int("digesters", 20, fmt.Sprintf("goroutines the bounded MD5All reads files with (1 to %d)", maxDigesters))
	all := fs.Bool("all", false, fmt.Sprintf("print every sum, not just the first %d", shownSums))
	return command(fs, w, args, nil, func() error {
		if err := between("-digesters", *digesters, 1, maxDigesters); err != nil {
			return err
		}
		return checkSize(*dir, maxFiles) // walks the tree: only once the flags are good
	}, func() error {
		fmt.Fprintln(w, "pipelines: squares through gen, sq and merge, stopped early with done; then MD5All three ways")
		fmt.Fprintf(w, "square: %s\n", printed(square))
		fmt.Fprintf(w, "fan-out, fan-in: %s (two sq stages: either order)\n", printed(fanOut))

		var got strings.Builder
		out := stopShort(&got)
		held := <-out // the value a goroutine was still blocked trying to send
		fmt.Fprintf(w, "stopping short: took %s; a sender was still blocked holding %d (a leak, had we not drained it here)\n",
			strings.TrimSpace(got.String()), held)
		fmt.Fprintf(w, "explicit cancellation: took %s; close(done) let every stage return\n", printed(cancellation))

		return digest(w, *dir, *all, threeWays(files{readFile: os.ReadFile, skip: ".git"}, *digesters))
	})
}

// threeWays returns the three MD5Alls reading with f, the bounded one with
// that many digesters.
func threeWays(f files, digesters int) []way {
	return []way{
		{"serial", "one file after another", serial{f}.MD5All},
		{"parallel", "a goroutine per file", parallel{f}.MD5All},
		{"bounded", fmt.Sprintf("%d digesters", digesters), bounded{f, digesters}.MD5All},
	}
}

// A way is one of the three MD5Alls, with what to call it in the table.
type way struct {
	name, how string
	md5All    func(root string) (map[string][md5.Size]byte, error)
}

// digest runs each way on dir, timing it, checks that each agrees with the
// first, and prints the sums sorted by path like md5sum (the first few, or all).
func digest(w io.Writer, dir string, all bool, ways []way) error {
	fmt.Fprintf(w, "MD5All(%q), leaving out .git:\n", dir)
	var sums map[string][md5.Size]byte // the first way's
	for i, way := range ways {
		start := time.Now()
		m, err := way.md5All(dir)
		if err != nil {
			return fmt.Errorf("%s MD5All: %w", way.name, err)
		}
		fmt.Fprintf(w, "  %-8s %10v  %d files, %s\n", way.name, time.Since(start).Round(time.Microsecond), len(m), way.how)
		if i == 0 {
			sums = m
		} else if !maps.Equal(sums, m) { // a bug, or the tree changed while we read it
			return fmt.Errorf("the %s and %s MD5Alls disagree", ways[0].name, way.name)
		}
	}
	fmt.Fprintf(w, "the three agree on all %d sums\n", len(sums))
	for i, path := range slices.Sorted(maps.Keys(sums)) { // sorted by path name, like md5sum
		if i == shownSums && !all {
			fmt.Fprintf(w, "... and %d more (-all prints every one)\n", len(sums)-i)
			break
		}
		fmt.Fprintf(w, "%x  %s\n", sums[path], path)
	}
	return nil
}

// checkSize refuses a tree of more than limit regular files (leaving out
// .git, like the digests), before any MD5All starts. (A dir that is one file
// is a tree of one.)
func checkSize(dir string, limit int) error {
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == ".git":
			return filepath.SkipDir
		case d.Type().IsRegular():
			n++
			if n > limit {
				return filepath.SkipAll // counting further changes nothing
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("-dir: %w", err)
	}
	if n > limit {
		return fmt.Errorf("-dir %q holds more than %d files: the parallel MD5All would read them all at once; pick a smaller tree", dir, limit)
	}
	return nil
}

// printed runs one of the article's mains and joins what it printed into one line.
func printed(f func(w io.Writer)) string {
	var b strings.Builder
	f(&b)
	return strings.Join(strings.Fields(b.String()), " ")
}

// command parses args into fs after adding the flags every program shares:
// -trace, and -seed unless seed is nil. -h prints about and the flags to w.
// Once check (if any) accepts the values, command starts what they ask for,
// runs show, stops the trace and, when the seed was picked here, ends with
// the line that replays it. Errors come back for main to print as one line.
func command(fs *flag.FlagSet, w io.Writer, args []string, seed *uint64, check, show func() error) (err error) {
	file := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if seed != nil {
		fs.Uint64Var(seed, "seed", 0, "seed for the random draws (0: pick one and print it)")
	}
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself
	if err = fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(w, about)
		fs.SetOutput(w)
		fs.PrintDefaults()
	} else if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	} else if err == nil && check != nil {
		err = check()
	}
	if err != nil {
		return err
	}
	if *file != "" {
		f, err := os.Create(*file)
		if err == nil {
			err = trace.Start(f) // fails only while another trace runs; the collector then closes f
		}
		if err != nil {
			return fmt.Errorf("-trace: %w", err)
		}
		defer func() {
			trace.Stop()
			err = cmp.Or(err, f.Close())
		}()
	}
	picked := seed != nil && *seed == 0
	if picked {
		*seed = max(rand.Uint64(), 1) // 0 means "pick one"
	}
	if err = show(); err == nil && picked {
		fmt.Fprintf(w, "seed %d: run again with -seed %d for the same random draws\n", *seed, *seed)
	}
	return err
}

// between returns an error naming the flag f unless lo <= v <= hi.
func between[T int | time.Duration](f string, v, lo, hi T) error {
	if v < lo || v > hi {
		return fmt.Errorf("%s must be between %v and %v, got %v", f, lo, hi, v)
	}
	return nil
}
