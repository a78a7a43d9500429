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
	// safety is how long the demo's clients wait for any one thing before
	// giving up: a net under a hang, not a timing.
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
	fs.DurationVar(&c.delay, "delay", time.Second, fmt.Sprintf("how long the bot takes to answer (0 to %v; the demo uses %v unless set)", maxDelay, demoDelay))
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
	stopped := false
	defer func() {
		if !stopped { // an error below: stop the server all the same
			s.shutdown(l)
		}
	}()
	addr := l.Addr().String()
	out.Printf("chatroulette: a scripted demo on a loopback server; -wait %v and bot -delay %v, short for the demo (the talk's: 5s and 1s)", s.wait, s.delay)

	// alice and bob dial before the server accepts anyone: the listener
	// queues both, so the server accepts them back to back and their
	// matchers meet at once. (One after the other, bob would have to arrive
	// within -wait of alice, or each would meet a bot.)
	alice, err := dial(addr, "alice")
	if err != nil {
		return err
	}
	defer alice.Close()
	bob, err := dial(addr, "bob")
	if err != nil {
		return err
	}
	defer bob.Close()
	s.start(l)
	for _, c := range []*client{alice, bob} {
		if err := c.waiting(out); err != nil {
			return err
		}
	}
	for _, c := range []*client{alice, bob} {
		if err := c.expect("Found one! Say hi.\n"); err != nil {
			return err
		}
		out.Printf(`%s hears "Found one! Say hi."`, c.name)
	}
	if err := talk(out, alice, bob, "Hi! Is anybody there?"); err != nil {
		return err
	}
	if err := talk(out, bob, alice, "Yes, a gopher. Hello alice!"); err != nil {
		return err
	}
	alice.Close()
	out.Printf("alice leaves")
	if _, err := bob.r.ReadByte(); err != io.EOF {
		return fmt.Errorf("bob: read %v after alice left, want EOF", err)
	}
	out.Printf("bob's connection closes: when one leaves, the server ends the chat")

	carol, err := dial(addr, "carol")
	if err != nil {
		return err
	}
	defer carol.Close()
	if err := carol.waiting(out); err != nil {
		return err
	}
	if err := carol.expect("Found one! Say hi.\n"); err != nil {
		return err
	}
	out.Printf(`carol hears "Found one! Say hi." after -wait alone: nobody came, so her partner is the bot`)
	// The bot answers every write, chat's greeting included: its first words
	// come a -delay after it joins. Then carol says something and it answers.
	line, err := carol.readLine()
	if err != nil {
		return err
	}
	out.Printf("carol hears, a bot -delay later: %s", line)
	if err := carol.say(out, "Hello? Do gophers like to chat?"); err != nil {
		return err
	}
	if line, err = carol.readLine(); err != nil {
		return err
	}
	out.Printf("carol hears, a bot -delay later: %s", line)
	carol.Close()
	out.Printf("carol leaves")

	s.shutdown(l)
	stopped = true
	out.Printf("the server stops: listener closed, every chat ended, every goroutine done")
	return nil
}

// A client is one of the demo's people.
type client struct {
	name string
	conn net.Conn
	r    *bufio.Reader
}

// dial connects to addr.
func dial(addr, name string) (*client, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(time.Now().Add(safety))
	return &client{name, conn, bufio.NewReader(conn)}, nil
}

// waiting waits for the server's first words.
func (c *client) waiting(out *log.Logger) error {
	if err := c.expect("Waiting for a partner..."); err != nil {
		return err
	}
	out.Printf(`%s connects and hears "Waiting for a partner..."`, c.name)
	return nil
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

func (c *client) say(out *log.Logger, line string) error {
	out.Printf("%s: %s", c.name, line)
	_, err := fmt.Fprintln(c.conn, line)
	return err
}

func (c *client) Close() error { return c.conn.Close() }

// talk has from say line and to hear it.
func talk(out *log.Logger, from, to *client, line string) error {
	if err := from.say(out, line); err != nil {
		return err
	}
	got, err := to.readLine()
	if err != nil {
		return err
	}
	if got != line { // a bot answered: -wait ran out before the two met
		return fmt.Errorf("%s heard %q, not %s's %q: -wait ran out before they met (try a longer -wait)", to.name, got, from.name, line)
	}
	out.Printf("%s hears: %s", to.name, got)
	return nil
}
