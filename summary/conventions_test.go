package main

// The house rules every program in the collection shares are tested here, once
// for all of them: this test installs all nineteen programs and runs each as a
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

// programs lists every program, from the module's root.
var programs = []string{
	"01_goroutines", "02_channels", "03_generator", "04_fan_in", "05_sync_fan_in", "06_select",
	"07_select_timeout", "08_quit_channel", "09_daisy_chain", "10_system_interactions", "summary",
	"summary/chatroulette", "summary/load_balancer", "summary/prime_sieve", "summary/power_series",
	"summary/subscription", "summary/url_poller", "summary/pipelines", "summary/context_search",
}

// lessonFiles are the files that hold a lesson besides the one named after
// its folder. Lessons repeat across folders on purpose (boring grows from
// slide to slide); plumbing does not.
var lessonFiles = []string{"beyond.go", "markov.go", "userip.go", "naive.go"}

// ownNames are declarations that every program has its own version of.
var ownNames = []string{"main", "check", "show"}

// buildAll installs every program into one directory under the user's cache
// directory and returns it. go install relinks only the programs whose code
// changed since the last run, which keeps this test quick on a warm cache.
// It first reads every source file, which is what tells go test's cache that
// the result depends on them. The symbol table and DWARF are left out; the
// ledger's function names, files and lines come from the pclntab, which stays.
func buildAll(t *testing.T) string {
	t.Helper()
	var pkgs []string
	for _, dir := range programs {
		sources(t, dir)
		pkgs = append(pkgs, "./"+dir)
	}
	if _, err := os.ReadFile("../go.mod"); err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	if cache, err := os.UserCacheDir(); err == nil {
		bin = filepath.Join(cache, "go-concurrency-patterns", "bin")
	}
	cmd := exec.CommandContext(t.Context(), "go", append([]string{"install", "-ldflags=-s -w"}, pkgs...)...)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOBIN="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
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
	flagLine = regexp.MustCompile(`^  -(\w+)( \S+)?$`)
	bounds   = regexp.MustCompile(`\((-?\w[\w.]*) to (\w[\w.]*)\)`)
)

// usage checks what -h prints and returns each flag's usage text.
func usage(t *testing.T, bin, dir string) (flags map[string]string) {
	stdout, stderr, status := execute(t, bin, "-h")
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if status != 0 || stdout != "" || len(lines) < 2 || strings.HasPrefix(lines[0], "usage") {
		t.Fatalf("-h: exit status %d, stdout %q, stderr:\n%s\nwant 0, nothing, and on stderr a line on what the program shows, a usage line, the flags", status, stdout, stderr)
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
	return flags
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
// stdout, and a first line on stderr that starts with want, then the usage.
func rejects(t *testing.T, bin string, args []string, want string) {
	t.Helper()
	stdout, stderr, status := execute(t, bin, args...)
	first, rest, _ := strings.Cut(stderr, "\n")
	if status != 2 || stdout != "" || !strings.HasPrefix(first, want) || !strings.Contains(rest, "usage: go run ./") {
		t.Errorf("%q: exit status %d, stdout %q, stderr:\n%s\nwant 2, nothing, and a line starting %q, then the usage", args, status, stdout, stderr, want)
	}
}

// lastLines are what each program's run with default flags must end with.
// 01's boring is still talking when main leaves (its lesson), and a late
// "boring!" line may follow the ledger's.
var lastLines = map[string]*regexp.Regexp{
	"":              regexp.MustCompile(`\ngoroutines still running: 0\n$`),
	"01_goroutines": regexp.MustCompile(`\ngoroutines still running: 1 \(main's return ends them\)\n  1 sleeping in boring at goroutines\.go:\d+\n(boring! \d+\n)?$`),
}

func TestEveryProgramKeepsTheHouseRules(t *testing.T) {
	bin := buildAll(t)
	// Every program at once: most of a run is spent waiting, and t.Parallel
	// would run only GOMAXPROCS of them at a time. (t.Run may be called from
	// several goroutines.)
	var wg sync.WaitGroup
	for _, dir := range programs {
		wg.Go(func() {
			t.Run(dir, func(t *testing.T) {
				exe := filepath.Join(bin, filepath.Base(dir))
				flags := usage(t, exe, dir)
				rejects(t, exe, []string{"-nope"}, "flag provided but not defined: -nope")
				rejects(t, exe, []string{"extra"}, `unexpected argument "extra"`)
				for f, text := range flags {
					if m := bounds.FindStringSubmatch(text); m != nil {
						for _, v := range outOfRange(t, m[1], m[2]) {
							rejects(t, exe, []string{"-" + f, v}, "-"+f+" ")
						}
					}
				}
				stdout, stderr, status := execute(t, exe)
				last := lastLines[dir]
				if last == nil {
					last = lastLines[""]
				}
				if status != 0 || stderr != "" || !last.MatchString(stdout) {
					t.Errorf("with default flags: exit status %d, stderr %q, stdout:\n%s\nwant 0, nothing, and stdout ending as %s", status, stderr, stdout, last)
				}
				if dir == "summary/subscription" && !strings.Contains(stdout, "\n  fatal error: all goroutines are asleep - deadlock!\n") {
					t.Errorf("with default flags, the deadlock child's report is missing: want the runtime's \"fatal error: all goroutines are asleep - deadlock!\" in:\n%s", stdout)
				}
			})
		})
	}
	wg.Wait()
}

// TestPlumbingIsWrittenOneWay finds every declaration outside the lessons that
// two folders share by name (seed picker, stamp writer, trace starter, test
// helpers, ...) and fails when their code differs.
func TestPlumbingIsWrittenOneWay(t *testing.T) {
	type copyOf struct{ dir, code string }
	copies := map[string][]copyOf{}
	var ledger []byte
	for _, dir := range programs {
		lesson := strings.TrimLeft(filepath.Base(dir), "0123456789") // "04_fan_in" -> "_fan_in"
		lesson = strings.TrimPrefix(lesson, "_") + ".go"
		files := sources(t, dir)
		if ledger == nil {
			ledger = files["ledger.go"]
		}
		if !bytes.Equal(files["ledger.go"], ledger) {
			t.Errorf("%s/ledger.go is missing or differs from %s/ledger.go: it is one file, the same in every folder", dir, programs[0])
		}
		for file, src := range files {
			if file == lesson || slices.Contains(lessonFiles, file) || file == "conventions_test.go" {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			for name, code := range declarations(fset, f, src) {
				copies[name] = append(copies[name], copyOf{dir, code})
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
