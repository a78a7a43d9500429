package main

import (
	"bufio"
	"cmp"
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

const (
	name  = "chatroulette"
	about = `chatroulette: a TCP server that pairs strangers through one channel, with a Markov bot for the lonely (the seed draws its words)
usage: go run ./summary/chatroulette [flags]   (then, with -listen localhost:4000: nc localhost 4000, twice)`
	maxWait   = time.Hour
	maxDelay  = time.Minute
	demoWait  = 300 * time.Millisecond
	demoDelay = 100 * time.Millisecond
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) { // -h: exit status 0
		fmt.Fprintf(os.Stderr, "%s: %v (see -h)\n", name, err) // exactly one line
		os.Exit(2)
	}
}

// config is what the flags choose.
type config struct {
	listen                          string
	wait, delay, writeTimeout, idle time.Duration
}

// run parses args and runs the demo or, with -listen, the server, writing
// what a reader sees to w.
func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var c config
	fs.StringVar(&c.listen, "listen", "", "serve chat roulette on this loopback `address` (e.g. localhost:4000) until Ctrl-C; empty: a scripted demo on an ephemeral port")
	fs.DurationVar(&c.wait, "wait", 5*time.Second, fmt.Sprintf("how long a connection waits alone before the bot joins (1ms to %v; the demo uses %v unless set)", maxWait, demoWait))
	fs.DurationVar(&c.delay, "delay", time.Second, fmt.Sprintf("how long after a write the bot answers (0 to %v; the demo uses %v unless set)", maxDelay, demoDelay))
	fs.DurationVar(&c.writeTimeout, "writetimeout", 10*time.Second, fmt.Sprintf("how long a write to a client may take before its chat ends (1ms to %v)", maxWait))
	fs.DurationVar(&c.idle, "idle", 0, fmt.Sprintf("how long a client may stay silent before its chat ends (0 to %v; 0: no limit, as in the talk)", maxWait))
	var seed uint64
	return command(fs, w, args, &seed, c.validate, func() error {
		if c.listen == "" { // the demo's own durations, unless a flag set them:
			c.wait, c.delay = demoWait, demoDelay
			fs.Parse(args) // parsing args again sets back the flags they name
		}
		l, err := net.Listen("tcp", cmp.Or(c.listen, "127.0.0.1:0"))
		if err != nil {
			return fmt.Errorf("-listen: %v", err)
		}
		// Every line goes through out: a log.Logger writes each line whole, so
		// the demo and the server's error log never interleave on w. The bot's
		// chain starts from a few lines of built-in text (seedText) and learns
		// from everything typed.
		out := log.New(w, "", 0)
		s := newServer(newSeededChain(seed), c, out)
		if c.listen == "" {
			return scriptedDemo(out, s, l)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		listen(ctx, out, s, l)
		return nil
	})
}

// validate names the first flag whose value is out of bounds. -listen takes
// only a loopback host:port: this toy has no authentication.
func (c *config) validate() error {
	if host, _, err := net.SplitHostPort(c.listen); c.listen != "" && (err != nil || host != "localhost" && !net.ParseIP(host).IsLoopback()) {
		return fmt.Errorf("-listen must be a loopback host:port such as localhost:4000, 127.0.0.1:4000 or [::1]:4000 (this toy has no authentication), got %q", c.listen)
	}
	return cmp.Or(between("-wait", c.wait, time.Millisecond, maxWait), between("-delay", c.delay, 0, maxDelay),
		between("-writetimeout", c.writeTimeout, time.Millisecond, maxWait), between("-idle", c.idle, 0, maxWait))
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

// listen serves on l until ctx is done, then shuts the server down.
func listen(ctx context.Context, out *log.Logger, s *server, l net.Listener) {
	host, port, _ := net.SplitHostPort(l.Addr().String())
	out.Printf("chatroulette: listening on %s (-wait %v, bot -delay %v, -writetimeout %v, -idle %v); chat with: nc %s %s (twice); Ctrl-C stops it",
		l.Addr(), s.wait, s.delay, s.writeTimeout, s.idle, host, port)
	s.start(l)
	<-ctx.Done()
	out.Printf("stopping: the listener closes and every chat ends")
	s.shutdown(l)
	out.Printf("stopped: every goroutine the server started is done")
}

// scriptedDemo runs s on l with three scripted clients: alice and bob meet
// and talk, then carol waits alone and meets the bot. Each step waits for
// what the step before it caused, and prints what the clients hear.
func scriptedDemo(out *log.Logger, s *server, l net.Listener) error {
	out.Printf("chatroulette: a scripted demo on a loopback server; -wait %v and bot -delay %v, short for the demo (the talk's: 5s and 1s)", s.wait, s.delay)
	sc := &script{out: out, addr: l.Addr().String()}
	// alice and bob dial before the server accepts anyone: the listener
	// queues both, so the server accepts them back to back and their
	// matchers meet at once. (One after the other, bob would have to arrive
	// within -wait of alice, or each would meet a bot.)
	alice, bob := sc.dial("alice"), sc.dial("bob")
	s.start(l)
	sc.hear(alice, "")
	sc.hear(bob, "")
	sc.say(alice, "Hi! Is anybody there?")
	sc.hear(bob, "")
	sc.say(bob, "Yes, a gopher. Hello alice!")
	sc.hear(alice, "")
	sc.leave(alice, bob)

	carol := sc.dial("carol")
	sc.hear(carol, ", after -wait alone (nobody came, so her partner is the bot)")
	// The bot answers writes, chat's greeting included: its first words
	// come a -delay after it joins. Then carol says something and it answers.
	sc.hear(carol, " the bot, a -delay later")
	sc.say(carol, "Hello? Do gophers like to chat?")
	sc.hear(carol, " the bot, a -delay later")
	sc.leave(carol, nil)
	s.shutdown(l)
	sc.print("the server stops: listener closed, every chat ended, every goroutine done")
	return sc.err
}

// A script is the demo's clients and where they print, step by step. Once a
// step fails, the steps that follow do nothing, and err says why. (The
// connections of a failed demo stay open until the process ends, soon after.)
type script struct {
	out  *log.Logger
	addr string
	err  error
}

// print prints a line unless a step has failed.
func (sc *script) print(format string, args ...any) {
	if sc.err == nil {
		sc.out.Printf(format, args...)
	}
}

func (sc *script) dial(name string) (c *client) {
	if sc.err == nil {
		c, sc.err = dial(sc.addr, name)
	}
	return c
}

// hear waits for a line from c and prints it, saying how c heard it.
func (sc *script) hear(c *client, how string) {
	if sc.err == nil {
		var line string
		line, sc.err = c.readLine()
		sc.print("%s hears%s: %s", c.name, how, line)
	}
}

// say has c say line.
func (sc *script) say(c *client, line string) {
	if sc.err == nil {
		sc.out.Printf("%s: %s", c.name, line)
		_, sc.err = fmt.Fprintln(c.conn, line)
	}
}

// leave closes c's connection. Unless partner is nil (the bot), the partner's
// connection must then close too: when one leaves, the server ends the chat.
func (sc *script) leave(c, partner *client) {
	if sc.err != nil {
		return
	}
	c.conn.Close()
	sc.print("%s leaves", c.name)
	if partner == nil {
		return
	}
	if _, err := partner.r.ReadByte(); err != io.EOF {
		sc.err = fmt.Errorf("%s: read %v, want the connection closed", partner.name, err)
	}
	sc.print("%s's connection closes: when one leaves, the server ends the chat", partner.name)
}

// A client is one person at a connection.
type client struct {
	name string
	conn net.Conn
	r    *bufio.Reader
}

// dial connects name to addr. The connection's reads and writes fail after
// 5s: a net under a hang, not a timing.
func dial(addr, name string) (*client, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	return &client{name, conn, bufio.NewReader(conn)}, nil
}

func (c *client) readLine() (string, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("%s: %v", c.name, err)
	}
	return strings.TrimSuffix(line, "\n"), nil
}
