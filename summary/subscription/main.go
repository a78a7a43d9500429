package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

// deadlockEnv, set to 1, makes the program play pingPongDeadlock instead of
// the demo: that is how the demo shows the deadlock in a child process.
const deadlockEnv = "SUBSCRIPTION_DEADLOCK_DEMO"

func main() {
	if os.Getenv(deadlockEnv) == "1" {
		pingPongDeadlock(os.Stdout) // never returns: the runtime ends the process with exit status 2
	}
	closeAfter := flag.Duration("close", 300*time.Millisecond, "close the merged subscription after this long (0s to 10s)")
	seed := flag.Uint64("seed", 1, "seed for the fake feeds' publication times")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "Ping-pong on a channel, a deadlock the runtime detects, then three fake feeds merged by for-select loops until Close.")
		fmt.Fprintln(os.Stderr, "usage: go run ./summary/subscription [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := check(*closeAfter, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	if err := show(os.Stdout, *closeAfter, *seed, showDeadlock); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ledger(os.Stdout, 100*time.Millisecond)
}

// check returns an error unless closeAfter is in range and no argument
// follows the flags.
func check(closeAfter time.Duration, args []string) error {
	switch {
	case closeAfter < 0 || closeAfter > 10*time.Second:
		return fmt.Errorf("-close must be between 0s and 10s, got %v", closeAfter)
	case len(args) > 0:
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show is the whole program but its flags: the ping-pong game, the deadlock
// (deadlock shows it: main passes showDeadlock), then the feeds, closed after
// closeAfter.
func show(w io.Writer, closeAfter time.Duration, seed uint64, deadlock func(io.Writer) error) error {
	fmt.Fprintln(w, "Advanced Go Concurrency Patterns: ping-pong, a deadlock, then three fake feeds merged until Close.")

	fmt.Fprintln(w, "\nExample: ping-pong. Each player holds the ball 10ms; main wakes at 95ms, queues behind the waiting player and gets the ball one hit later.")
	game := newStampWriter(w)
	pingPong(game)
	fmt.Fprintln(game, "main has the ball")

	fmt.Fprintln(w, "\nDeadlock detection: the same game, but nobody tosses the ball (a child process runs it).")
	if err := deadlock(w); err != nil {
		return err
	}

	fmt.Fprintf(w, "\nExample: three fake feeds merged into one stream; Close after %v.\n", closeAfter)
	feedReader(newStampWriter(w), closeAfter, seed)
	return nil
}

// showDeadlock runs pingPongDeadlock in a child process (this program,
// started again with deadlockEnv=1) and reports what the runtime printed.
func showDeadlock(w io.Writer) error {
	if raced() {
		fmt.Fprintln(w, "  not run: under the race detector the runtime cannot see this deadlock (golang/go#20588).")
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("cannot find this program to run the deadlock in a child: %w", err)
	}
	cmd := exec.Command(exe)
	// GOTRACEBACK=all: whatever the caller's setting, the runtime dumps every
	// goroutine's stack and exits with status 2.
	cmd.Env = append(os.Environ(), deadlockEnv+"=1", "GOTRACEBACK=all")
	var exit *exec.ExitError
	if _, err := cmd.Output(); !errors.As(err, &exit) { // Output keeps the child's stderr in exit.Stderr
		return fmt.Errorf("the deadlock child should have crashed, got %v", err)
	}
	report(w, string(exit.Stderr), exit.ExitCode())
	return nil
}

// raced reports whether this program was built with -race: then the runtime
// cannot detect the deadlock, and the child would wait for ever.
func raced() bool {
	bi, _ := debug.ReadBuildInfo()
	return slices.Contains(bi.Settings, debug.BuildSetting{Key: "-race", Value: "true"})
}

// A goroutine's dump starts with a header such as "goroutine 7 [chan
// receive]:" and, on the next line, its function, such as
// "main.player({0x4c4a04, 0x4}, ...)": dumpHead captures the state and the
// function's name ("player").
var dumpHead = regexp.MustCompile(`(?m)^goroutine \d+ (\[.*\]):\n(?:.*/)?[^./]*\.([^(]*)\(`)

// report writes, from the runtime's crash output, its first line, then for
// each goroutine it dumped that goroutine's state and function, then the exit
// status. Goroutine numbers and addresses are left out: they vary.
func report(w io.Writer, stderr string, status int) {
	first, _, _ := strings.Cut(stderr, "\n")
	fmt.Fprintln(w, "  "+first)
	for _, m := range dumpHead.FindAllStringSubmatch(stderr, -1) {
		fmt.Fprintf(w, "  goroutine %s in %s\n", m[1], m[2])
	}
	fmt.Fprintf(w, "  exit status %d\n", status)
}
