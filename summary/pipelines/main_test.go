package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestMain(m *testing.M) {
	if os.Getenv("GO_CONCURRENCY_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runMain re-executes the test binary into main with args.
func runMain(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second) // a hang fails in 10s, not an assertion about time
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GO_CONCURRENCY_RUN_MAIN=1", "GORACE=atexit_sleep_ms=0")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatalf("the program with %q did not end within 10s", args)
	}
	return out.String(), errb.String(), code
}

func TestMainHelpExitsZero(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runMain(t, "-h")
	if code != 0 || stderr != "" {
		t.Fatalf("-h: exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	if !strings.HasPrefix(stdout, "pipelines: gen, sq and merge stopped early with done, then MD5All serial, parallel and bounded\n") {
		t.Fatalf("-h printed %q, want the description line first", stdout)
	}
	for _, name := range []string{"-dir", "-digesters", "-all", "-trace", "1 to 1000"} {
		if !strings.Contains(stdout, name) {
			t.Errorf("-h does not mention %s", name)
		}
	}
}

func TestMainBadInputExitsTwoWithOneLine(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-nope"}, "-nope"},
		{[]string{"-digesters", "many"}, "-digesters"},
		{[]string{"-digesters", "0"}, "-digesters must be between 1 and 1000, got 0"},
		{[]string{"-digesters", "1001"}, "-digesters must be between 1 and 1000, got 1001"},
		{[]string{"-dir", filepath.Join(t.TempDir(), "missing")}, "-dir"},
		{[]string{"-dir", file}, "is not a directory"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-trace", filepath.Join(t.TempDir(), "no", "such", "dir", "x.trace")}, "-trace"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runMain(t, tc.args...)
			if code != 2 || stdout != "" {
				t.Errorf("%v: exit %d, stdout %q; want 2 and nothing", tc.args, code, stdout)
			}
			if !strings.HasPrefix(stderr, "pipelines: ") || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("%v: stderr %q, want one line naming %q", tc.args, stderr, tc.want)
			}
		})
	}
}

func TestMainRunsAndExitsZero(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	makeTree(t, root, 3)
	stdout, stderr, code := runMain(t, "-dir", root)
	if code != 0 || stderr != "" || !strings.Contains(stdout, "the three agree on all 3 sums\n") {
		t.Fatalf("exit %d, stderr %q, stdout %q", code, stderr, stdout)
	}
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
				var b strings.Builder
				if err := run(&b, append([]string{"-dir", root}, tc.args...)); err != nil {
					t.Fatal(err)
				}
				if got, want := inOneOrder(b.String()), wantOutput(root, sums, tc.digesters, tc.shown); got != want {
					t.Fatalf("run printed\n%s\nwant\n%s", got, want)
				}
			})
		})
	}
}

func TestRunSaysHowManyMoreSumsThereAre(t *testing.T) {
	root := t.TempDir()
	sums := makeTree(t, root, 6)
	synctest.Test(t, func(t *testing.T) {
		var b strings.Builder
		if err := run(&b, []string{"-dir", root}); err != nil {
			t.Fatal(err)
		}
		if got, want := inOneOrder(b.String()), wantOutput(root, sums, 20, 5); got != want {
			t.Fatalf("run printed\n%s\nwant\n%s", got, want)
		}
	})
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

func TestRunHelpIsNotAnError(t *testing.T) {
	var b strings.Builder
	if err := run(&b, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run -h returned %v, want flag.ErrHelp", err)
	}
}

func TestValidateDigesters(t *testing.T) {
	for n, ok := range map[int]bool{-1: false, 0: false, 1: true, 20: true, 1000: true, 1001: false} {
		if err := validate(n); (err == nil) != ok {
			t.Errorf("validate(%d) = %v, want ok %v", n, err, ok)
		}
	}
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

func TestDigestReportsTheErrorOfAWay(t *testing.T) {
	failing := func(string) (map[string][md5.Size]byte, error) { return nil, errBoom }
	var b strings.Builder
	err := digest(&b, ".", false, []way{{"parallel", "", failing}})
	if !errors.Is(err, errBoom) || !strings.Contains(err.Error(), "parallel MD5All") {
		t.Fatalf("digest returned %v, want the parallel MD5All's %v", err, errBoom)
	}
}

func TestTraceWritesAGoTrace(t *testing.T) {
	root := t.TempDir()
	makeTree(t, root, 1)
	file := filepath.Join(t.TempDir(), "x.trace")
	if err := run(new(strings.Builder), []string{"-dir", root, "-trace", file}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("go 1.")) {
		t.Fatalf("the trace starts with %q, want a Go trace header", data[:min(len(data), 8)])
	}
}

func TestOneLineKeepsNewlinesOut(t *testing.T) {
	if got := oneLine(errors.New("a\nb")); got != `a\nb` {
		t.Fatalf("oneLine gave %q", got)
	}
}

func TestCheckSizeRefusesTreesOverTheLimit(t *testing.T) {
	root := t.TempDir()
	makeTree(t, root, 7) // 7 files, plus .git/HEAD and a link, which do not count
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
}
