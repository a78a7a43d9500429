package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"os"
	"os/signal"
	"runtime/trace"
	"strings"
	"syscall"
	"time"
)

func main() {
	err := run(os.Stdout, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // -h: usage printed to stdout, exit status 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

const (
	name  = "chatroulette"
	about = `chatroulette: a TCP server that pairs strangers through one channel, with a Markov bot for the lonely
usage: go run ./summary/chatroulette [flags]   (then, with -listen localhost:4000: nc localhost 4000, twice)`
)

// Bounds and the demo's short durations.
const (
	maxWait   = time.Hour
	maxDelay  = time.Minute
	demoWait  = 300 * time.Millisecond
	demoDelay = 100 * time.Millisecond
	// safety is how long a client of the demo may stay connected before its
	// reads and writes fail: a net under a hang, not a timing.
	safety = 5 * time.Second
)

// config is what the flags choose.
type config struct {
	listen       string
	wait         time.Duration
	delay        time.Duration
	writeTimeout time.Duration
	idle         time.Duration
}

// run parses args and runs the demo or, with -listen, the server, writing
// what a reader sees to w.
func run(w io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var c config
	fs.StringVar(&c.listen, "listen", "", "serve chat roulette on this loopback `address` (e.g. localhost:4000) until Ctrl-C; empty: a scripted demo on an ephemeral port")
	fs.DurationVar(&c.wait, "wait", 5*time.Second, fmt.Sprintf("how long a connection waits alone before the bot joins (1ms to %v; the demo uses %v unless set)", maxWait, demoWait))
	fs.DurationVar(&c.delay, "delay", time.Second, fmt.Sprintf("how long after a write the bot answers (0 to %v; the demo uses %v unless set)", maxDelay, demoDelay))
	fs.DurationVar(&c.writeTimeout, "writetimeout", 10*time.Second, fmt.Sprintf("how long a write to a client may take before its chat ends (1ms to %v)", maxWait))
	fs.DurationVar(&c.idle, "idle", 0, fmt.Sprintf("how long a client may stay silent before its chat ends (0 to %v; 0: no limit, as in the talk)", maxWait))
	seed := fs.Uint64("seed", 0, "seed for the bot's word choices (0: pick one and print it)")
	traceFile := fs.String("trace", "", "write a runtime/trace execution trace to `file` (view: go tool trace file)")
	if err := parseFlags(fs, w, about, args); err != nil {
		return err
	}
	if err := c.validate(); err != nil {
		return err
	}
	if c.listen == "" { // the demo's own durations, unless a flag set them
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["wait"] {
			c.wait = demoWait
		}
		if !set["delay"] {
			c.delay = demoDelay
		}
	}
	picked := *seed == 0
	if picked {
		*seed = pickSeed()
	}
	if *traceFile != "" {
		stop, err := startTrace(*traceFile)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, stop()) }()
	}

	// Every line goes through out: a log.Logger writes each line whole, so
	// the demo and the server's error log never interleave on w. The bot's
	// chain starts from a few lines of built-in text (seedText) and learns
	// from everything typed.
	out := log.New(w, "", 0)
	s := newServer(newSeededChain(*seed), c, out)
	if c.listen == "" {
		err = scriptedDemo(out, s)
	} else {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		err = listen(ctx, out, s, c.listen)
	}
	if err != nil {
		return err
	}
	if picked { // the server has stopped: nothing else writes to w
		printSeed(w, *seed)
	}
	return nil
}

// validate names the first flag whose value is out of bounds.
func (c config) validate() error {
	if c.listen != "" && !loopbackOnly(c.listen) {
		return fmt.Errorf("-listen must be a loopback host:port such as localhost:4000, 127.0.0.1:4000 or [::1]:4000 (this toy has no authentication), got %q", c.listen)
	}
	if c.wait < time.Millisecond || c.wait > maxWait {
		return fmt.Errorf("-wait must be between 1ms and %v, got %v", maxWait, c.wait)
	}
	if c.delay < 0 || c.delay > maxDelay {
		return fmt.Errorf("-delay must be between 0s and %v, got %v", maxDelay, c.delay)
	}
	if c.writeTimeout < time.Millisecond || c.writeTimeout > maxWait {
		return fmt.Errorf("-writetimeout must be between 1ms and %v, got %v", maxWait, c.writeTimeout)
	}
	if c.idle < 0 || c.idle > maxWait {
		return fmt.Errorf("-idle must be between 0s and %v, got %v", maxWait, c.idle)
	}
	return nil
}

// loopbackOnly reports whether addr is host:port with a loopback host.
func loopbackOnly(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// parseFlags parses args into fs. On -h it prints about and every flag to w;
// any other problem comes back as an error for main to print in one line.
func parseFlags(fs *flag.FlagSet, w io.Writer, about string, args []string) error {
	fs.SetOutput(io.Discard) // the flag package would print errors and usage itself
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(w, about)
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// pickSeed returns a random seed other than 0, which means "pick one".
func pickSeed() uint64 {
	for {
		if s := rand.Uint64(); s != 0 {
			return s
		}
	}
}

// printSeed ends a run that picked its own seed with the line that replays it.
func printSeed(w io.Writer, seed uint64) {
	fmt.Fprintf(w, "seed %d: run again with -seed %d for the same random draws\n", seed, seed)
}

// startTrace writes a runtime/trace execution trace to file until stop is called.
func startTrace(file string) (stop func() error, err error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, fmt.Errorf("-trace: %w", err)
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-trace: %w", err)
	}
	return func() error {
		trace.Stop()
		if err := f.Close(); err != nil {
			return fmt.Errorf("-trace: %w", err)
		}
		return nil
	}, nil
}

// listen serves on addr until ctx is done, then shuts the server down.
func listen(ctx context.Context, out *log.Logger, s *server, addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("-listen: %v", err)
	}
	host, port, _ := net.SplitHostPort(l.Addr().String())
	out.Printf("chatroulette: listening on %s (-wait %v, bot -delay %v, -writetimeout %v, -idle %v); chat with: nc %s %s (twice); Ctrl-C stops it",
		l.Addr(), s.wait, s.delay, s.writeTimeout, s.idle, host, port)
	s.start(l)
	<-ctx.Done()
	out.Printf("stopping: the listener closes and every chat ends")
	s.shutdown(l)
	out.Printf("stopped: every goroutine the server started is done")
	return nil
}

// scriptedDemo runs a server on an ephemeral loopback port and three scripted
// clients: alice and bob meet and talk, then carol waits alone and meets the
// bot. Each step waits for what the step before it caused.
func scriptedDemo(out *log.Logger, s *server) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	out.Printf("chatroulette: a scripted demo on a loopback server; -wait %v and bot -delay %v, short for the demo (the talk's: 5s and 1s)", s.wait, s.delay)
	sc := &script{out: out, addr: l.Addr().String()}
	defer sc.closeAll()
	// alice and bob dial before the server accepts anyone: the listener
	// queues both, so the server accepts them back to back and their
	// matchers meet at once. (One after the other, bob would have to arrive
	// within -wait of alice, or each would meet a bot.)
	alice, bob := sc.dial("alice"), sc.dial("bob")
	s.start(l)
	sc.hear(alice, "Waiting for a partner...", `alice connects and hears "Waiting for a partner..."`)
	sc.hear(bob, "Waiting for a partner...", `bob connects and hears "Waiting for a partner..."`)
	sc.hear(alice, "Found one! Say hi.\n", `alice hears "Found one! Say hi."`)
	sc.hear(bob, "Found one! Say hi.\n", `bob hears "Found one! Say hi."`)
	sc.talk(alice, bob, "Hi! Is anybody there?")
	sc.talk(bob, alice, "Yes, a gopher. Hello alice!")
	sc.leave(alice)
	sc.hearEOF(bob, "bob's connection closes: when one leaves, the server ends the chat")

	carol := sc.dial("carol")
	sc.hear(carol, "Waiting for a partner...", `carol connects and hears "Waiting for a partner..."`)
	sc.hear(carol, "Found one! Say hi.\n", `carol hears "Found one! Say hi." after -wait alone: nobody came, so her partner is the bot`)
	// The bot answers writes, chat's greeting included: its first words
	// come a -delay after it joins. Then carol says something and it answers.
	sc.hearBot(carol)
	sc.talk(carol, nil, "Hello? Do gophers like to chat?")
	sc.hearBot(carol)
	sc.leave(carol)
	s.shutdown(l)
	sc.print("the server stops: listener closed, every chat ended, every goroutine done")
	return sc.err
}

// A script is the demo's clients and what they say and hear, step by step.
// After a step fails, the steps that follow do nothing, and err says why.
type script struct {
	out     *log.Logger
	addr    string
	clients []*client
	err     error
}

func (sc *script) print(format string, args ...any) {
	if sc.err == nil {
		sc.out.Printf(format, args...)
	}
}

func (sc *script) dial(name string) *client {
	if sc.err != nil {
		return nil
	}
	c, err := dial(sc.addr, name)
	sc.err = err
	if c != nil {
		sc.clients = append(sc.clients, c)
	}
	return c
}

// hear waits for c to hear want, then prints line.
func (sc *script) hear(c *client, want, line string) {
	if sc.err == nil {
		sc.err = c.expect(want)
	}
	sc.print("%s", line)
}

// hearEOF waits for c's connection to close, then prints line.
func (sc *script) hearEOF(c *client, line string) {
	if sc.err != nil {
		return
	}
	if _, err := c.r.ReadByte(); err != io.EOF {
		sc.err = fmt.Errorf("%s: read %v, want the connection closed", c.name, err)
	}
	sc.print("%s", line)
}

// hearBot waits for a line from c's bot and prints it.
func (sc *script) hearBot(c *client) {
	if sc.err != nil {
		return
	}
	line, err := c.readLine()
	sc.err = err
	sc.print("%s hears, a bot -delay later: %s", c.name, line)
}

// talk has from say line and, unless to is nil, to hear it.
func (sc *script) talk(from, to *client, line string) {
	sc.print("%s: %s", from.name, line)
	if sc.err == nil {
		_, sc.err = fmt.Fprintln(from.conn, line)
	}
	if to == nil || sc.err != nil {
		return
	}
	got, err := to.readLine()
	if err == nil && got != line { // a bot answered: -wait ran out before the two met
		err = fmt.Errorf("%s heard %q, not %s's %q: -wait ran out before they met (try a longer -wait)", to.name, got, from.name, line)
	}
	sc.err = err
	sc.print("%s hears: %s", to.name, got)
}

func (sc *script) leave(c *client) {
	if sc.err == nil {
		c.conn.Close()
	}
	sc.print("%s leaves", c.name)
}

// closeAll closes every client's connection, in case a step failed.
func (sc *script) closeAll() {
	for _, c := range sc.clients {
		c.conn.Close()
	}
}

// A client is one of the demo's people.
type client struct {
	name string
	conn net.Conn
	r    *bufio.Reader
}

// dial connects to addr, for at most safety.
func dial(addr, name string) (*client, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(time.Now().Add(safety))
	return &client{name, conn, bufio.NewReader(conn)}, nil
}

// expect reads exactly len(want) bytes and fails unless they are want.
func (c *client) expect(want string) error {
	buf := make([]byte, len(want))
	if _, err := io.ReadFull(c.r, buf); err != nil {
		return fmt.Errorf("%s: waiting for %q: %v", c.name, want, err)
	}
	if string(buf) != want {
		return fmt.Errorf("%s: heard %q, want %q", c.name, buf, want)
	}
	return nil
}

func (c *client) readLine() (string, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("%s: %v", c.name, err)
	}
	return strings.TrimSuffix(line, "\n"), nil
}
