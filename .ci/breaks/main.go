// Command breaks checks every "Break it yourself" item on the folders' pages:
// it applies each documented break to a scratch copy of the module (never the
// work tree), runs the item's command there, and fails unless the command fails
// with the quoted text in its output.
//
// Run it from the module's root: go run ./.ci/breaks (make breaks).
//
// An item is one list line of this form (the func part may be left out when
// the old text occurs once in the whole file):
//
//   - in `fan_in.go`, func `boring`: delete `close(c)` — `go test -run TestX ./04_fan_in` fails with "…": what it shows.
//   - in `gen.go`, func `boring`: replace `make(chan string)` with `make(chan string, 1)` — `go test …` fails with "…": …
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"
)

// item is one documented break.
type item struct {
	page, dir, file, fn string // fn is empty when the old text is unique in the file
	old, new, command   string
	quote               string
	replace             bool // replace old with new; otherwise delete old
}

var (
	listLine = regexp.MustCompile("^\\s*[-*] in `")
	form     = regexp.MustCompile("^\\s*[-*] in `([^`]+\\.go)`(?:, func `([^`]+)`)?: " +
		"(?:delete `([^`]+)`|replace `([^`]+)` with `([^`]*)`) — `([^`]+)` fails with \"([^\"]+)\"")
)

func main() {
	if err := check(); err != nil {
		fmt.Fprintln(os.Stderr, "breaks:", err)
		os.Exit(1)
	}
}

func check() error {
	pages, err := filepath.Glob("[0-9][0-9]_*/README.md")
	if err != nil {
		return err
	}
	more, _ := filepath.Glob("summary/*/README.md")
	pages = append(append(pages, "summary/README.md"), more...)
	var items []item
	var problems []string
	for _, page := range pages {
		found, err := read(page)
		if err != nil {
			problems = append(problems, err.Error())
		}
		items = append(items, found...)
	}
	// Each worker has its own scratch copy of the module and undoes each
	// break after its command has run.
	workers := min(runtime.NumCPU(), 4)
	jobs := make(chan item)
	var mu sync.Mutex
	passed, failed := 0, len(problems)
	for _, p := range problems {
		fmt.Println("FAIL", p)
	}
	var wg sync.WaitGroup
	for range workers {
		scratch, err := os.MkdirTemp("", "breaks-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(scratch)
		if err := copyModule(".", scratch); err != nil {
			return err
		}
		wg.Go(func() {
			for it := range jobs {
				took, err := apply(scratch, it)
				mu.Lock()
				name := fmt.Sprintf("%s: %s", it.dir, it.summary())
				if err != nil {
					failed++
					fmt.Printf("FAIL %s\n     %v\n", name, err)
				} else {
					passed++
					fmt.Printf("ok   %s (%.1fs)\n", name, took.Seconds())
				}
				mu.Unlock()
			}
		})
	}
	for _, it := range items {
		jobs <- it
	}
	close(jobs)
	wg.Wait()
	fmt.Printf("breaks: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return fmt.Errorf("%d documented breaks do not fail as their pages say", failed)
	}
	return nil
}

func (it item) summary() string {
	where := it.file
	if it.fn != "" {
		where += " " + it.fn
	}
	if !it.replace {
		return fmt.Sprintf("%s: delete %q", where, it.old)
	}
	return fmt.Sprintf("%s: %q -> %q", where, it.old, it.new)
}

// read returns the breaks listed on a page; a page must list 3 to 5, and
// every line that starts like one must be in the checker's form.
func read(page string) ([]item, error) {
	text, err := os.ReadFile(page)
	if err != nil {
		return nil, err
	}
	var items []item
	for i, line := range strings.Split(string(text), "\n") {
		if !listLine.MatchString(line) {
			continue
		}
		m := form.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("%s:%d: a break not in the checker's form: %s", page, i+1, line)
		}
		it := item{page: page, dir: filepath.Dir(page), file: m[1], fn: m[2], old: m[3], command: m[6], quote: m[7]}
		if m[3] == "" {
			it.old, it.new, it.replace = m[4], m[5], true
		}
		items = append(items, it)
	}
	if len(items) < 3 || len(items) > 5 {
		return items, fmt.Errorf("%s lists %d breaks, want 3 to 5", page, len(items))
	}
	return items, nil
}

// apply makes the break in scratch, runs its command there and restores the
// file. It returns how long the command took, and an error unless the
// command failed with the quoted text in its output.
func apply(scratch string, it item) (time.Duration, error) {
	path := filepath.Join(scratch, it.dir, it.file)
	src, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	start, end := 0, len(src)
	if it.fn != "" {
		if start, end, err = funcRange(path, src, it.fn); err != nil {
			return 0, err
		}
	}
	region := string(src[start:end])
	if n := strings.Count(region, it.old); n != 1 {
		return 0, fmt.Errorf("%s: %q occurs %d times there, want once", filepath.Join(it.dir, it.file), it.old, n)
	}
	broken := string(src[:start]) + strings.Replace(region, it.old, it.new, 1) + string(src[end:])
	if err := os.WriteFile(path, []byte(broken), 0o644); err != nil {
		return 0, err
	}
	defer os.WriteFile(path, src, 0o644)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", it.command)
	cmd.Dir = scratch
	cmd.Env = append(os.Environ(), "GOFLAGS=-count=1")
	began := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(began)
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return took, fmt.Errorf("%s: still running after 90s", it.command)
	case err == nil:
		return took, fmt.Errorf("%s: passed, want it to fail with %q", it.command, it.quote)
	case !errors.As(err, &exit):
		return took, fmt.Errorf("%s: %v", it.command, err)
	case !bytes.Contains(out, []byte(it.quote)):
		return took, fmt.Errorf("%s failed, but its output lacks %q:\n%s", it.command, it.quote, tail(out, 20))
	}
	return took, nil
}

// funcRange returns the byte range of the function or method named fn in the
// Go source src: "name" names a function, or a method when only one has that
// name; "Type.name" names a method.
func funcRange(path string, src []byte, fn string) (int, int, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
	if err != nil {
		return 0, 0, err
	}
	var found []*ast.FuncDecl
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		name := fd.Name.Name
		if fd.Recv != nil {
			typ := fd.Recv.List[0].Type
			if s, ok := typ.(*ast.StarExpr); ok {
				typ = s.X
			}
			if id, ok := typ.(*ast.Ident); ok {
				name = id.Name + "." + name
			}
		}
		if name == fn || fd.Name.Name == fn {
			found = append(found, fd)
		}
	}
	if len(found) != 1 {
		return 0, 0, fmt.Errorf("%s: %d funcs named %s, want one", path, len(found), fn)
	}
	return fset.Position(found[0].Pos()).Offset, fset.Position(found[0].End()).Offset, nil
}

// copyModule copies the module at src into dst, without .git.
func copyModule(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		target := filepath.Join(dst, p)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// tail returns the last n lines of out.
func tail(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
