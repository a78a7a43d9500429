package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/trace"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	if os.Getenv("GO_CONCURRENCY_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// command returns the program's main, to run in a child process with args.
func command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GO_CONCURRENCY_RUN_MAIN=1", "GORACE=atexit_sleep_ms=0")
	return cmd
}

// runMain runs the program's main in a child process with args.
func runMain(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := command(args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running main: %v", err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

func TestMainHelpExitsZero(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runMain(t, "-h")
	if code != 0 || stderr != "" {
		t.Errorf("-h: exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	if !strings.HasPrefix(stdout, "chatroulette: a TCP server that pairs strangers through one channel") {
		t.Errorf("-h: stdout starts %q", stdout[:min(len(stdout), 80)])
	}
	for _, f := range []string{"-listen", "-wait", "-delay", "-seed", "-trace"} {
		if !strings.Contains(stdout, "  "+f+" ") {
			t.Errorf("-h does not list %s", f)
		}
	}
}

func TestMainBadFlagsPrintOneLineAndExitTwo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-nope"}, "-nope"},
		{[]string{"-wait", "soon"}, "-wait"},
		{[]string{"-wait", "0s"}, "-wait must be between 1ms and 1h0m0s, got 0s"},
		{[]string{"-listen", "0.0.0.0:4000"}, "-listen must be a loopback host:port"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runMain(t, tc.args...)
			if code != 2 || stdout != "" {
				t.Errorf("%v: exit %d, stdout %q; want 2 and nothing", tc.args, code, stdout)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "chatroulette: ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("%v: stderr %q, want one line naming %q", tc.args, stderr, tc.want)
			}
		})
	}
}

const wantDemo = `chatroulette: a scripted demo on a loopback server; -wait 300ms and bot -delay 100ms, short for the demo (the talk's: 5s and 1s)
alice connects and hears "Waiting for a partner..."
bob connects and hears "Waiting for a partner..."
alice hears "Found one! Say hi."
bob hears "Found one! Say hi."
alice: Hi! Is anybody there?
bob hears: Hi! Is anybody there?
bob: Yes, a gopher. Hello alice!
alice hears: Yes, a gopher. Hello alice!
alice leaves
bob's connection closes: when one leaves, the server ends the chat
carol connects and hears "Waiting for a partner..."
carol hears "Found one! Say hi." after -wait alone: nobody came, so her partner is the bot
carol hears, a bot -delay later: I am not a bot, I am not a bot,
carol: Hello? Do gophers like to chat?
carol hears, a bot -delay later: Two gophers meet, talk for a while, and go home.
carol leaves
the server stops: listener closed, every chat ended, every goroutine done
`

// The demo runs over real loopback TCP, so it cannot run in a synctest
// bubble; its text does not depend on timing, only on the seed.
func TestRunDemoWithSeedIsExact(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(&out, []string{"-seed", "1"}); err != nil {
		t.Fatal(err)
	}
	if out.String() != wantDemo {
		t.Errorf("got\n%s\nwant\n%s", out.String(), wantDemo)
	}
}

func TestRunDemoWithoutSeedPrintsOneThatReplays(t *testing.T) {
	t.Parallel()
	args := []string{"-wait", "500ms", "-delay", "0s"} // no bot delay: a quicker demo
	var first, second bytes.Buffer
	if err := run(&first, args); err != nil {
		t.Fatal(err)
	}
	if err := run(&second, args); err != nil {
		t.Fatal(err)
	}
	if first.String() == second.String() {
		t.Error("two runs without -seed picked the same seed")
	}
	lines := strings.Split(strings.TrimSuffix(first.String(), "\n"), "\n")
	if !strings.HasPrefix(lines[0], "chatroulette: a scripted demo on a loopback server; -wait 500ms and bot -delay 0s, short for the demo") {
		t.Errorf("header %q does not show the flags' wait and delay", lines[0])
	}
	f := strings.Fields(lines[len(lines)-1])
	if len(f) != 9 || f[0] != "seed" || f[1] != f[6]+":" || strings.Join(f[2:6], " ") != "run again with -seed" || strings.Join(f[7:], " ") != "to replay" {
		t.Fatalf("last line %q does not name a seed", lines[len(lines)-1])
	}
	var replay bytes.Buffer
	if err := run(&replay, append(args, "-seed", f[6])); err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(lines[:len(lines)-1], "\n") + "\n"; replay.String() != want {
		t.Errorf("-seed %s gave\n%s\nwant\n%s", f[6], replay.String(), want)
	}
}

func TestDemoSaysSoWhenABotAnswersInsteadOfThePartner(t *testing.T) {
	t.Parallel()
	fromConn, sink := net.Pipe()
	go io.Copy(io.Discard, sink)
	defer fromConn.Close()
	from := &client{"alice", fromConn, nil}
	to := &client{"bob", nil, bufio.NewReader(strings.NewReader("I am not a bot\n"))}
	var out bytes.Buffer
	err := talk(log.New(&out, "", 0), from, to, "Hi!")
	if err == nil || !strings.Contains(err.Error(), "-wait ran out before they met") {
		t.Errorf("err %v, want one saying -wait ran out", err)
	}
	if out.String() != "alice: Hi!\n" {
		t.Errorf("printed %q, want only alice's line", out.String())
	}
}

func TestValidateEdges(t *testing.T) {
	ok := config{wait: 5 * time.Second, delay: time.Second}
	for _, tc := range []struct {
		change func(*config)
		want   string // "" for accepted
	}{
		{func(c *config) {}, ""},
		{func(c *config) { c.listen = "localhost:4000" }, ""},
		{func(c *config) { c.listen = "localhost:0" }, ""},
		{func(c *config) { c.listen = "127.0.0.1:4000" }, ""},
		{func(c *config) { c.listen = "127.3.2.1:4000" }, ""},
		{func(c *config) { c.listen = "[::1]:4000" }, ""},
		{func(c *config) { c.listen = ":4000" }, "-listen must be a loopback host:port"},
		{func(c *config) { c.listen = "0.0.0.0:4000" }, "-listen must be a loopback host:port"},
		{func(c *config) { c.listen = "192.168.1.1:4000" }, "-listen must be a loopback host:port"},
		{func(c *config) { c.listen = "example.com:4000" }, "-listen must be a loopback host:port"},
		{func(c *config) { c.listen = "4000" }, "-listen must be a loopback host:port"},
		{func(c *config) { c.wait = time.Millisecond }, ""},
		{func(c *config) { c.wait = time.Hour }, ""},
		{func(c *config) { c.wait = time.Millisecond - 1 }, "-wait must be between 1ms and 1h0m0s, got 999.999µs"},
		{func(c *config) { c.wait = 0 }, "-wait must be between 1ms and 1h0m0s, got 0s"},
		{func(c *config) { c.wait = time.Hour + 1 }, "-wait must be between 1ms and 1h0m0s, got 1h0m0.000000001s"},
		{func(c *config) { c.delay = 0 }, ""},
		{func(c *config) { c.delay = time.Minute }, ""},
		{func(c *config) { c.delay = -1 }, "-delay must be between 0s and 1m0s, got -1ns"},
		{func(c *config) { c.delay = time.Minute + 1 }, "-delay must be between 0s and 1m0s, got 1m0.000000001s"},
	} {
		c := ok
		tc.change(&c)
		err := c.validate()
		if err == nil {
			if tc.want != "" {
				t.Errorf("%+v accepted, want %q", c, tc.want)
			}
		} else if !strings.HasPrefix(err.Error(), tc.want) || tc.want == "" {
			t.Errorf("%+v: %q, want %q", c, err, tc.want)
		}
	}
}

func TestRunRejectsBeforeRunning(t *testing.T) {
	for _, args := range [][]string{
		{"-wait", "0s"}, {"-delay", "-1s"}, {"-listen", "10.0.0.1:4000"}, {"-seed", "-1"}, {"a"},
	} {
		var out bytes.Buffer
		if err := run(&out, args); err == nil || out.Len() != 0 {
			t.Errorf("%v: err %v, output %q; want an error and no output", args, err, out.String())
		}
	}
	var out bytes.Buffer
	if err := run(&out, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v, want flag.ErrHelp", err)
	}
}

func TestListenOnAPortInUseIsAnError(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var out bytes.Buffer
	err = run(&out, []string{"-listen", l.Addr().String(), "-seed", "1"})
	if err == nil || !strings.HasPrefix(err.Error(), "-listen: ") || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("err %v, want -listen: ... address already in use", err)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q before failing", out.String())
	}
}

// TestMainListenStopsCleanlyOnASignal runs the program as a server in a
// child process, chats through it, and stops it as Ctrl-C (or kill) would.
func TestMainListenStopsCleanlyOnASignal(t *testing.T) {
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			cmd := command("-listen", "127.0.0.1:0", "-seed", "1", "-wait", "1h")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill() // a safety net if the test fails early
			r := bufio.NewReader(stdout)
			first, err := r.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			const prefix = "chatroulette: listening on "
			if !strings.HasPrefix(first, prefix) || !strings.Contains(first, "(-wait 1h0m0s, bot -delay 1s); chat with: nc 127.0.0.1 ") {
				t.Fatalf("first line %q", first)
			}
			addr := strings.Fields(strings.TrimPrefix(first, prefix))[0]
			alice, bob := pair(t, addr, "alice", "bob")
			relay(t, alice, bob, []byte("hi bob\n"))
			relay(t, bob, alice, []byte("hi alice\n"))
			carol := join(t, addr, "carol")
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			for _, p := range []*person{alice, bob, carol} {
				if _, err := p.r.ReadByte(); err != io.EOF {
					t.Errorf("%s read %v after the signal, want EOF", p.name, err)
				}
			}
			rest, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("the server exited with %v, stderr %q", err, stderr.String())
			}
			want := "stopping: the listener closes and every chat ends\nstopped: every goroutine the server started is done\n"
			if string(rest) != want {
				t.Errorf("after the signal it printed %q, want %q", rest, want)
			}
			if stderr.Len() != 0 {
				t.Errorf("stderr %q", stderr.String())
			}
		})
	}
}

func TestListenShutsTheServerDownWhenItsContextIsDone(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	out := log.New(pw, "", 0)
	s := newServer(newSeededChain(1), time.Hour, time.Hour, out)
	ctx, cancel := context.WithCancel(context.Background())
	returned := make(chan error, 1)
	go func() {
		err := listen(ctx, out, s, "127.0.0.1:0")
		pw.Close() // ends the test's ReadAll
		returned <- err
	}()
	r := bufio.NewReader(pr)
	first, err := r.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.Fields(strings.TrimPrefix(first, "chatroulette: listening on "))[0]
	alice, bob := pair(t, addr, "alice", "bob")
	relay(t, alice, bob, []byte("hi\n"))
	carol := join(t, addr, "carol")
	cancel()
	rest, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-returned; err != nil {
		t.Fatal(err)
	}
	if want := "stopping: the listener closes and every chat ends\nstopped: every goroutine the server started is done\n"; string(rest) != want {
		t.Errorf("printed %q, want %q", rest, want)
	}
	// listen has returned and the process lives on: the server's own
	// shutdown, not the process's exit, closed everything.
	for _, p := range []*person{alice, bob, carol} {
		if _, err := p.r.ReadByte(); err != io.EOF {
			t.Errorf("%s read %v after listen returned, want EOF", p.name, err)
		}
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("the listener still accepts after listen returned")
	}
}

func TestTraceWritesAGoTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.trace")
	var out bytes.Buffer
	if err := run(&out, []string{"-trace", path, "-seed", "1", "-wait", "500ms", "-delay", "0s"}); err != nil {
		t.Fatal(err)
	}
	if trace.IsEnabled() {
		t.Error("tracing is still on after run returned")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("go 1.")) {
		t.Errorf("trace starts %q, want a Go trace header", data[:min(len(data), 16)])
	}
	out.Reset()
	if err := run(&out, []string{"-trace", filepath.Join(t.TempDir(), "no", "such", "dir", "x.trace")}); err == nil || !strings.Contains(err.Error(), "-trace") {
		t.Errorf("uncreatable trace file: err %v, want an error naming -trace", err)
	}
}
