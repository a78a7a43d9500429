package main

// The house rules every program in the collection shares are tested here, once
// for all of them: this test builds all nineteen programs and runs each as a
// reader would. It also checks that the plumbing repeated across folders is
// written one way. It reads every program's source files, so go test's cache
// runs it again whenever any of them changes.

import (
	"bytes"
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// programs lists every program, from the module's root, with flags for a
// short run that still does everything the program does.
var programs = []struct {
	dir   string
	quick []string
	// replays: with the same -seed, two real runs print the same lines once the
	// time column is taken off and the lines are sorted (events close together
	// may swap). Programs whose output carries real measurements do not.
	replays bool
}{
	{"01_goroutines", []string{"-n", "1", "-listen", "200ms"}, true}, // its one message comes under 100ms
	{"02_channels", []string{"-n", "2"}, false},                      // prints measured send times
	{"03_generator", []string{"-n", "2"}, true},
	{"04_fan_in", []string{"-n", "2"}, true},
	{"05_sync_fan_in", []string{"-n", "2"}, true},
	{"06_select", []string{"-n", "2"}, false}, // rule 3 counts the scheduler's choices
	{"07_select_timeout", []string{"-n", "2"}, true},
	{"08_quit_channel", nil, true},
	{"09_daisy_chain", []string{"-n", "10"}, false},
	{"10_system_interactions", []string{"-queries", "0"}, false}, // prints measured times
	{"summary", []string{"-goroutines", "1", "-increments", "10", "-jobs", "10"}, false},
	{"summary/chatroulette", nil, false},
	{"summary/load_balancer", []string{"-n", "1", "-requesters", "2", "-workers", "2"}, false},
	{"summary/prime_sieve", []string{"-n", "5"}, false},
	{"summary/power_series", []string{"-n", "2"}, false},
	{"summary/subscription", []string{"-close", "50ms"}, false},
	{"summary/url_poller", []string{"-for", "100ms"}, false},
	{"summary/pipelines", []string{"-dir", "prime_sieve"}, false}, // a small tree, from summary/
	{"summary/context_search", nil, false},
}

// lessonFiles are the files that hold a lesson besides the one named after
// its folder. Lessons repeat across folders on purpose (boring grows from
// slide to slide); plumbing does not.
var lessonFiles = []string{"beyond.go", "markov.go", "userip.go", "naive.go"}

// ownNames are declarations that every program has its own version of.
var ownNames = []string{"run", "config", "config.validate", "measure", "parse"}

// buildAll builds every program into a fresh directory and returns it. It
// first reads every source file, which is what tells go test's cache that the
// result depends on them.
func buildAll(t *testing.T) string {
	t.Helper()
	var pkgs []string
	for _, p := range programs {
		sources(t, p.dir)
		pkgs = append(pkgs, "./"+p.dir)
	}
	if _, err := os.ReadFile("../go.mod"); err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	cmd := exec.CommandContext(t.Context(), "go", append([]string{"build", "-o", bin + string(filepath.Separator)}, pkgs...)...)
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// sources returns the contents of every .go file in dir (relative to the
// module's root), by file name.
func sources(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("..", dir))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join("..", dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

// execute runs a built program and returns what it wrote and its exit status.
// A program still running after 10 seconds (each takes under 2) is killed and
// fails the test.
func execute(t *testing.T, bin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %q: still running after 10s, killed; stdout:\n%s", filepath.Base(bin), args, out.String())
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s %q: %v", filepath.Base(bin), args, err)
	}
	return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
}

var (
	flagLine  = regexp.MustCompile(`^  -(\w+)( \S+)?$`)
	bounds    = regexp.MustCompile(`\((-?\w[\w.]*) to (\w[\w.]*)`)
	seedLine  = regexp.MustCompile(`^seed (\d+): run again with -seed (\d+) for the same random draws$`)
	timeStamp = regexp.MustCompile(`(?m)^ *\d+ms `)
)

// helpText checks what -h prints and returns each flag's usage text.
func helpText(t *testing.T, bin, dir string) (name string, flags map[string]string) {
	stdout, stderr, status := execute(t, bin, "-h")
	if status != 0 || stderr != "" {
		t.Fatalf("-h: exit status %d, stderr %q; want 0 and nothing", status, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	name, _, ok := strings.Cut(lines[0], ": ")
	if !ok || strings.Contains(name, " ") || len(lines) < 3 {
		t.Fatalf("-h printed:\n%s\nwant \"name: what it shows\", a usage line, then the flags", stdout)
	}
	if want := "usage: go run ./" + dir + " [flags]"; !strings.HasPrefix(lines[1], want) {
		t.Errorf("-h: second line %q, want it to start %q", lines[1], want)
	}
	flags = map[string]string{}
	var last string
	for _, l := range lines[2:] {
		if m := flagLine.FindStringSubmatch(l); m != nil {
			last = m[1]
			flags[last] = ""
		} else if last != "" && strings.HasPrefix(l, "    \t") {
			flags[last] += strings.TrimPrefix(l, "    \t")
		} else {
			t.Fatalf("-h: line %q is neither a flag nor its usage", l)
		}
	}
	if !strings.HasPrefix(flags["trace"], "write a runtime/trace execution trace") {
		t.Errorf("-h: -trace says %q, want an execution trace", flags["trace"])
	}
	return name, flags
}

// outOfRange returns two values just outside a flag's stated bounds: one below
// the lowest and one above the highest.
func outOfRange(t *testing.T, lo, hi string) []string {
	if h, err := strconv.Atoi(hi); err == nil {
		l, err := strconv.Atoi(lo)
		if err != nil {
			t.Fatalf("bounds %s to %s: %v", lo, hi, err)
		}
		return []string{strconv.Itoa(l - 1), strconv.Itoa(h + 1)}
	}
	l, err1 := time.ParseDuration(lo)
	h, err2 := time.ParseDuration(hi)
	if err1 != nil || err2 != nil {
		t.Fatalf("bounds %s to %s are neither whole numbers nor durations", lo, hi)
	}
	return []string{(l - time.Millisecond).String(), (h + time.Millisecond).String()}
}

// rejects checks that args end the program with exit status 2, nothing on
// stdout and exactly want (or, with prefix, one line starting so) on stderr.
func rejects(t *testing.T, bin, name string, args []string, want string, prefix bool) {
	t.Helper()
	stdout, stderr, status := execute(t, bin, args...)
	ok := status == 2 && stdout == "" && strings.Count(stderr, "\n") == 1 && strings.HasSuffix(stderr, " (see -h)\n")
	if prefix {
		ok = ok && strings.HasPrefix(stderr, name+": "+want)
	} else {
		ok = ok && stderr == name+": "+want+" (see -h)\n"
	}
	if !ok {
		t.Errorf("%q: exit status %d, stdout %q, stderr %q; want 2, nothing, and one line %q", args, status, stdout, stderr, name+": "+want+"...")
	}
}

func TestEveryProgramKeepsTheHouseRules(t *testing.T) {
	bin := buildAll(t)
	// Every program at once: most of a run is spent waiting, and t.Parallel
	// would run only GOMAXPROCS of them at a time. (t.Run may be called from
	// several goroutines.)
	var wg sync.WaitGroup
	for _, p := range programs {
		wg.Go(func() {
			t.Run(p.dir, func(t *testing.T) {
				exe := filepath.Join(bin, filepath.Base(p.dir))
				name, flags := helpText(t, exe, p.dir)
				bad := filepath.Join(t.TempDir(), "no such dir", "run.trace")

				rejects(t, exe, name, []string{"-nope"}, "flag provided but not defined: -nope", false)
				rejects(t, exe, name, append(slices.Clone(p.quick), "extra"), `unexpected argument "extra"`, false)
				for f, usage := range flags {
					m := bounds.FindStringSubmatch(usage)
					if m == nil {
						continue
					}
					rejects(t, exe, name, []string{"-" + f, "x"}, `invalid value "x" for flag -`+f+": parse error", false)
					for _, v := range outOfRange(t, m[1], m[2]) {
						rejects(t, exe, name, []string{"-" + f, v}, "-"+f+" ", true)
					}
					// The bounds themselves are accepted: the values pass their
					// check, and the run stops at the next step, a trace file
					// that cannot be created, before it does anything.
					for _, v := range m[1:] {
						rejects(t, exe, name, []string{"-" + f, v, "-trace", bad}, "-trace: ", true)
					}
				}

				tr := filepath.Join(t.TempDir(), "run.trace")
				args := append(slices.Clone(p.quick), "-trace", tr)
				if _, ok := flags["seed"]; ok {
					args = append(args, "-seed", "1")
				}
				if _, stderr, status := execute(t, exe, args...); status != 0 || stderr != "" {
					t.Errorf("%q: exit status %d, stderr %q; want 0 and nothing", args, status, stderr)
				} else if data, err := os.ReadFile(tr); err != nil || !bytes.HasPrefix(data, []byte("go 1.")) || len(data) < 1024 {
					// A trace that was stopped holds the run's events and tables:
					// kilobytes, even for the shortest run. One never stopped
					// holds little more than its header.
					t.Errorf("-trace wrote %d bytes starting %.16q (%v), want a whole Go execution trace", len(data), data, err)
				}
				rejects(t, exe, name, append(slices.Clone(p.quick), "-trace", bad), "-trace: ", true)

				if _, ok := flags["seed"]; ok {
					seedPrintedAndReplayed(t, exe, p.quick, p.replays)
				}
			})
		})
	}
	wg.Wait()
}

// seedPrintedAndReplayed checks that a run without -seed ends on the line that
// names its seed, and that a run with that seed prints no such line and, where
// the program's output replays, the same lines.
func seedPrintedAndReplayed(t *testing.T, exe string, quick []string, replays bool) {
	first, stderr, status := execute(t, exe, quick...)
	lines := strings.Split(strings.TrimSuffix(first, "\n"), "\n")
	m := seedLine.FindStringSubmatch(lines[len(lines)-1])
	if status != 0 || stderr != "" || m == nil || m[1] != m[2] || m[1] == "0" {
		t.Fatalf("%q: exit status %d, stderr %q, last line %q; want 0, nothing and \"seed N: run again with -seed N for the same random draws\"",
			quick, status, stderr, lines[len(lines)-1])
	}
	again, _, _ := execute(t, exe, append(slices.Clone(quick), "-seed", m[1])...)
	if strings.Contains(again, "run again with -seed") {
		t.Errorf("-seed %s: printed a seed line, want none:\n%s", m[1], again)
	}
	if replays && withoutTimes(again) != withoutTimes(strings.Join(lines[:len(lines)-1], "\n")+"\n") {
		t.Errorf("-seed %s printed:\n%s\nthe run that picked it:\n%s", m[1], again, first)
	}
}

// withoutTimes is out without its time column, its lines sorted.
func withoutTimes(out string) string {
	lines := strings.Split(timeStamp.ReplaceAllString(out, ""), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// TestPlumbingIsWrittenOneWay finds every declaration outside the lessons that
// two folders share by name (seed picker, stamp writer, trace starter, test
// helpers, ...) and fails when their code differs.
func TestPlumbingIsWrittenOneWay(t *testing.T) {
	type copyOf struct{ dir, code string }
	copies := map[string][]copyOf{}
	for _, p := range programs {
		lesson := strings.TrimLeft(filepath.Base(p.dir), "0123456789") // "04_fan_in" -> "_fan_in"
		lesson = strings.TrimPrefix(lesson, "_") + ".go"
		for file, src := range sources(t, p.dir) {
			if file == lesson || slices.Contains(lessonFiles, file) || file == "conventions_test.go" {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			for name, code := range declarations(fset, f, src) {
				copies[name] = append(copies[name], copyOf{p.dir, code})
			}
		}
	}
	for name, cs := range copies {
		for _, c := range cs[1:] {
			if c.code != cs[0].code {
				t.Errorf("%s differs between %s and %s:\n%s\n--- and ---\n%s", name, cs[0].dir, c.dir, cs[0].code, c.code)
				break
			}
		}
	}
}

// declarations returns the source, doc comment included, of each top-level
// function, method and type in f that is plumbing: not a test, benchmark,
// fuzz target or example, and not one of the names every program has its own
// version of.
func declarations(fset *token.FileSet, f *ast.File, src []byte) map[string]string {
	out := map[string]string{}
	text := func(doc *ast.CommentGroup, node ast.Node) string {
		start := node.Pos()
		if doc != nil {
			start = doc.Pos()
		}
		return string(src[fset.Position(start).Offset:fset.Position(node.End()).Offset])
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			name := d.Name.Name
			if d.Recv != nil {
				typ := d.Recv.List[0].Type
				if s, ok := typ.(*ast.StarExpr); ok {
					typ = s.X
				}
				if id, ok := typ.(*ast.Ident); ok {
					name = id.Name + "." + name
				}
			} else if regexp.MustCompile(`^(Test|Benchmark|Fuzz|Example)`).MatchString(name) && name != "TestMain" {
				continue
			}
			if !slices.Contains(ownNames, name) {
				out[name] = text(d.Doc, d)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok && !slices.Contains(ownNames, ts.Name.Name) {
					doc := ts.Doc
					if doc == nil && len(d.Specs) == 1 {
						doc = d.Doc
					}
					out[ts.Name.Name] = text(doc, d)
				}
			}
		}
	}
	return out
}
