package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"runtime/trace"
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
	name  = "subscription"
	about = `subscription: ping-pong on a channel, a deadlock the runtime detects, then fake feeds merged by for-select loops until Close; the seed draws the feeds' publication times
usage: go run ./summary/subscription [flags]`
)

// maxClose bounds -close: a longer run shows nothing new.
const maxClose = 10 * time.Second

// deadlockEnv, set to 1, makes run play pingPongDeadlock instead of the demo:
// that is how the demo shows the deadlock in a child process.
const deadlockEnv = "SUBSCRIPTION_DEADLOCK_DEMO"

// run parses args and shows the patterns, writing what a reader sees to w.
func run(w io.Writer, args []string) error {
	if os.Getenv(deadlockEnv) == "1" {
		pingPongDeadlock(w) // never returns: the runtime ends the process with exit status 2
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	closeAfter := fs.Duration("close", 300*time.Millisecond, "close the merged subscription after `d` (0 to 10s)")
	var seed uint64
	return command(fs, w, args, &seed, func() error { return between("-close", *closeAfter, 0, maxClose) }, func() error {
		fmt.Fprintln(w, "Advanced Go Concurrency Patterns: ping-pong, a deadlock, then three fake feeds merged until Close.")

		fmt.Fprintln(w, "\nExample: ping-pong. Each player holds the ball 10ms; main wakes at 95ms, queues behind the waiting player and gets the ball one hit later.")
		game := newStampWriter(w)
		pingPong(game)
		fmt.Fprintln(game, "main has the ball")

		fmt.Fprintln(w, "\nDeadlock detection: the same game, but nobody tosses the ball (a child process runs it).")
		if err := showDeadlock(w); err != nil {
			return err
		}

		fmt.Fprintf(w, "\nExample: three fake feeds merged into one stream; Close after %v.\n", *closeAfter)
		feedReader(newStampWriter(w), *closeAfter, seed)

		return nil
	})
}

// showDeadlock runs pingPongDeadlock in a child process (this program, started
// again with deadlockEnv=1) and reports what the runtime printed: the first
// line, then one line per goroutine whose stack it dumped, and the exit
// status. Goroutine numbers and addresses are left out: they vary.
//
// Under the race detector the runtime cannot detect this deadlock
// (golang/go#20588: the child would wait forever), so a binary built with
// -race says so instead of starting the child.
func showDeadlock(w io.Writer) error {
	if raceDetector {
		fmt.Fprintln(w, "  not run: under the race detector the runtime cannot see this deadlock (golang/go#20588).")
		fmt.Fprintln(w, "  Without -race the runtime says \"fatal error: all goroutines are asleep - deadlock!\",")
		fmt.Fprintln(w, "  dumps the stack of each goroutine (main and both players, all [chan receive]), exit status 2.")
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("cannot find this program to run the deadlock in a child: %w", err)
	}
	cmd := exec.Command(exe)
	// GOTRACEBACK=all: whatever the caller's setting, the runtime dumps every
	// goroutine's stack and exits with status 2.
	cmd.Env = append(os.Environ(), deadlockEnv+"=1", "GORACE=atexit_sleep_ms=0", "GOTRACEBACK=all")
	var exit *exec.ExitError
	if _, err := cmd.Output(); !errors.As(err, &exit) { // Output keeps the child's stderr in exit.Stderr
		return fmt.Errorf("the deadlock child should have failed, got %v", err)
	}
	for _, line := range deadlockReport(string(exit.Stderr)) {
		fmt.Fprintln(w, "  "+line)
	}
	fmt.Fprintf(w, "  exit status %d\n", exit.ExitCode())
	return nil
}

// A goroutine's dump starts with a header such as "goroutine 7 [chan
// receive]:" and, on the next line, its function, such as
// "main.player({0x4c4a04, 0x4}, ...)" or "example.com/pkg.player(...)":
// dumpHead captures the state and the function's name ("player").
var dumpHead = regexp.MustCompile(`(?m)^goroutine \d+ (\[.*\]):\n(?:.*/)?[^./]*\.([^(]*)\(`)

// deadlockReport picks from the runtime's crash output its first line and,
// for each goroutine dump, the goroutine's state and function.
func deadlockReport(out string) []string {
	first, _, _ := strings.Cut(out, "\n")
	lines := []string{"the runtime says: " + first}
	for _, m := range dumpHead.FindAllStringSubmatch(out, -1) {
		lines = append(lines, fmt.Sprintf("and dumps a goroutine %s in %s", m[1], m[2]))
	}
	return lines
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
	if _, err := fmt.Fprintf(s.w, "%4dms %s", time.Since(s.start).Milliseconds(), p); err != nil {
		return 0, err
	}
	return len(p), nil
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
