package main

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
)

// runOK runs the program with args and returns what it printed; an error fails the test.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(&out, args); err != nil {
		t.Fatalf("run(%q): %v", args, err)
	}
	return out.String()
}

// bubbled returns how many goroutines the caller's synctest bubble holds, the
// caller included, once every one of them has run as far as it can without
// time passing: a goroutine that sleeps or is blocked counts, one that has
// ended does not.
func bubbled() int {
	synctest.Wait()
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	// Each goroutine's header reads "goroutine N [state, synctest bubble B]:";
	// the caller's comes first.
	first, _, _ := bytes.Cut(buf, []byte("\n"))
	bubble := first[bytes.LastIndex(first, []byte(", synctest bubble ")):]
	n := 0
	for line := range bytes.Lines(buf) {
		if bytes.HasPrefix(line, []byte("goroutine ")) && bytes.HasSuffix(bytes.TrimSuffix(line, []byte("\n")), bubble) {
			n++
		}
	}
	return n
}

// wantOutput is run's output for the tree that makeTree wrote at root,
// inside synctest (where reading files takes no virtual time: every timing
// is 0s), with the pipeline's values in the order 4, 9.
func wantOutput(root string, sums map[string][md5.Size]byte, digesters, shown int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `pipelines: squares through gen, sq and merge, stopped early with done; then MD5All three ways
square: 4 9
fan-out, fan-in: 4 9 (two sq stages: either order)
stopping short: took 4; a sender was still blocked holding 9 (a leak, had we not drained it here)
explicit cancellation: took 4; close(done) let every stage return
MD5All(%q), leaving out .git:
  serial           0s  %[2]d files, one file after another
  parallel         0s  %[2]d files, a goroutine per file
  bounded          0s  %[2]d files, %[3]d digesters
the three agree on all %[2]d sums
`, root, len(sums), digesters)
	paths := slices.Sorted(maps.Keys(sums))
	for _, p := range paths[:shown] {
		fmt.Fprintf(&b, "%x  %s\n", sums[p], p)
	}
	if shown < len(paths) {
		fmt.Fprintf(&b, "... and %d more (-all prints every one)\n", len(paths)-shown)
	}
	return b.String()
}

// inOneOrder rewrites the lines whose values may come in either order into
// the order 4, 9.
func inOneOrder(s string) string {
	return strings.NewReplacer(
		"fan-out, fan-in: 9 4", "fan-out, fan-in: 4 9",
		"took 9; a sender was still blocked holding 4", "took 4; a sender was still blocked holding 9",
		"explicit cancellation: took 9", "explicit cancellation: took 4",
	).Replace(s)
}

func TestRunOutput(t *testing.T) {
	root := t.TempDir()
	sums := makeTree(t, root, 7)
	for _, tc := range []struct {
		args      []string
		digesters int
		shown     int
	}{
		{nil, 20, 5},
		{[]string{"-all"}, 20, 7},
		{[]string{"-digesters", "1"}, 1, 5},       // the smallest bound
		{[]string{"-digesters", "1000"}, 1000, 5}, // the largest
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				before := bubbled()
				got := inOneOrder(runOK(t, append([]string{"-dir", root}, tc.args...)...))
				if want := wantOutput(root, sums, tc.digesters, tc.shown); got != want {
					t.Fatalf("run printed\n%s\nwant\n%s", got, want)
				}
				if n := bubbled() - before; n != 0 {
					t.Fatalf("%d goroutines still alive when run returned, want 0", n)
				}
			})
		})
	}
}

func TestRunOfAnEmptyTree(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		root := t.TempDir()
		var b strings.Builder
		if err := run(&b, []string{"-dir", root}); err != nil {
			t.Fatal(err)
		}
		if got, want := inOneOrder(b.String()), wantOutput(root, nil, 20, 0); got != want {
			t.Fatalf("run printed\n%s\nwant\n%s", got, want)
		}
	})
}

func TestRunDefaultsToTheCurrentDirectory(t *testing.T) {
	root := t.TempDir()
	sums := makeTree(t, root, 2)
	t.Chdir(root)
	synctest.Test(t, func(t *testing.T) {
		var b strings.Builder
		if err := run(&b, nil); err != nil {
			t.Fatal(err)
		}
		rel := make(map[string][md5.Size]byte)
		for p, sum := range sums {
			r, _ := filepath.Rel(root, p)
			rel[r] = sum
		}
		if got, want := inOneOrder(b.String()), wantOutput(".", rel, 20, 2); got != want {
			t.Fatalf("run printed\n%s\nwant\n%s", got, want)
		}
	})
}

func TestDigestReportsWaysThatDisagree(t *testing.T) {
	one := func(string) (map[string][md5.Size]byte, error) {
		return map[string][md5.Size]byte{"a": md5.Sum([]byte("a"))}, nil
	}
	other := func(string) (map[string][md5.Size]byte, error) {
		return map[string][md5.Size]byte{"a": md5.Sum([]byte("b"))}, nil
	}
	for _, ways := range [][]way{
		{{"serial", "", one}, {"parallel", "", other}, {"bounded", "", one}},
		{{"serial", "", one}, {"parallel", "", one}, {"bounded", "", other}},
	} {
		var b strings.Builder
		err := digest(&b, ".", false, ways)
		if err == nil || !strings.Contains(err.Error(), "disagree") {
			t.Errorf("digest of ways that disagree returned %v", err)
		}
		if strings.Contains(b.String(), "agree on all") {
			t.Errorf("digest printed that they agree:\n%s", b.String())
		}
	}
}

func TestCheckSizeRefusesTreesOverTheLimit(t *testing.T) {
	root := t.TempDir()
	sums := makeTree(t, root, 7) // 7 files, plus .git/HEAD and a link, which do not count
	if err := checkSize(root, 7); err != nil {
		t.Fatalf("7 files with limit 7: %v", err)
	}
	err := checkSize(root, 6)
	if err == nil || !strings.Contains(err.Error(), "more than 6 files") {
		t.Fatalf("7 files with limit 6: %v, want a refusal", err)
	}
	if err := checkSize(filepath.Join(root, "missing"), 6); err == nil || !strings.HasPrefix(err.Error(), "-dir: ") {
		t.Fatalf("a missing tree: %v, want a -dir error", err)
	}
	for file := range sums { // one file is a tree of one
		if err := checkSize(file, 1); err != nil {
			t.Fatalf("one file with limit 1: %v", err)
		}
		if err := checkSize(file, 0); err == nil || !strings.Contains(err.Error(), "more than 0 files") {
			t.Fatalf("one file with limit 0: %v, want a refusal", err)
		}
		break
	}
}

func TestRunErrorsStayOnOneLine(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "two\nlines")
	if err := run(new(strings.Builder), []string{"-dir", dir}); err == nil || strings.Contains(err.Error(), "\n") {
		t.Fatalf("-dir %q: error %q, want one line", dir, err)
	}
}
