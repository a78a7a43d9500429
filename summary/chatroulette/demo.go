package main

// The program around the server: the scripted demo that the default run
// shows, and the real server that -listen runs until Ctrl-C.

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// show is the whole program but its flags: the scripted demo on an ephemeral
// loopback port or, with -listen, the server until Ctrl-C. Every line goes
// through one log.Logger, which writes each line whole, so the demo's lines
// and the server's never interleave on w. The bot's chain starts from a few
// lines of built-in text (seedText) and learns from everything typed.
func show(w io.Writer, c config, seed uint64) error {
	l, err := net.Listen("tcp", cmp.Or(c.listen, "127.0.0.1:0"))
	if err != nil {
		return fmt.Errorf("-listen: %v", err)
	}
	out := log.New(w, "", 0)
	s := newServer(newSeededChain(seed), c, out)
	if c.listen == "" {
		return demo(out, s, l, func(name string) (*client, error) { return dial(l.Addr().String(), name) })
	}
	s.events = true
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	listen(ctx, out, s, l)
	return nil
}

// listen serves on l until ctx is done, then shuts the server down.
func listen(ctx context.Context, out *log.Logger, s *server, l net.Listener) {
	host, port, _ := net.SplitHostPort(l.Addr().String())
	out.Printf("chatroulette: listening on %s (-wait %v, bot -delay %v, -writetimeout %v, -idle %v, -maxconns %d); chat with: nc %s %s (twice); Ctrl-C stops it",
		l.Addr(), s.wait, s.delay, s.writeTimeout, s.idle, s.maxConns, host, port)
	s.start(l)
	<-ctx.Done()
	out.Printf("stopping: the listener closes and every chat ends")
	s.shutdown(l)
	out.Printf("stopped: every goroutine the server started is done")
}

// demo runs s on l with three scripted clients, each connected by dial:
// alice and bob meet and talk, then carol waits alone and meets the bot.
// Each step waits for what the step before it caused, and prints what the
// clients hear.
func demo(out *log.Logger, s *server, l net.Listener, dial func(name string) (*client, error)) error {
	out.Printf("chatroulette: a scripted demo on a loopback server; -wait %v and bot -delay %v, short for the demo (the talk's: 5s and 1s)", s.wait, s.delay)
	sc := &script{out: out, dial: dial}
	// alice and bob dial before the server accepts anyone: the listener
	// queues both, so the server accepts them back to back and their
	// matchers meet at once. (One after the other, bob would have to arrive
	// within -wait of alice, or each would meet a bot.)
	alice, bob := sc.connect("alice"), sc.connect("bob")
	s.start(l)
	sc.hear(alice, "")
	sc.hear(bob, "")
	sc.say(alice, "Hi! Is anybody there?")
	sc.hear(bob, "")
	sc.say(bob, "Yes, a gopher. Hello alice!")
	sc.hear(alice, "")
	sc.leave(alice, bob)

	carol := sc.connect("carol")
	sc.hear(carol, ", after -wait alone (nobody came, so her partner is the bot)")
	// The bot answers writes, chat's greeting included: its first words
	// come a -delay after it joins. Then carol says something and it answers.
	sc.hear(carol, " the bot, a -delay later")
	sc.say(carol, "Hello? Do gophers like to chat?")
	sc.hear(carol, " the bot, a -delay later")
	sc.leave(carol, nil)
	s.shutdown(l)
	if sc.err != nil {
		return sc.err
	}
	out.Printf("the server stops: listener closed, every chat ended, every goroutine done")
	return nil
}

// A script is the demo's clients and where they print, step by step. Once a
// step fails, the steps that follow do nothing, and err says why. (The
// connections of a failed demo stay open until the process ends, soon after.)
type script struct {
	out  *log.Logger
	dial func(name string) (*client, error)
	err  error
}

func (sc *script) connect(name string) (c *client) {
	if sc.err == nil {
		c, sc.err = sc.dial(name)
	}
	return c
}

// hear waits for a line from c and prints it, saying how c heard it.
func (sc *script) hear(c *client, how string) {
	if sc.err == nil {
		var line string
		if line, sc.err = c.readLine(); sc.err == nil {
			sc.out.Printf("%s hears%s: %s", c.name, how, line)
		}
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
	sc.out.Printf("%s leaves", c.name)
	if partner == nil {
		return
	}
	if _, err := partner.r.ReadByte(); err != io.EOF {
		sc.err = fmt.Errorf("%s: read %v, want the connection closed", partner.name, err)
		return
	}
	sc.out.Printf("%s's connection closes: when one leaves, the server ends the chat", partner.name)
}

// A client is one person at a connection.
type client struct {
	name string
	conn net.Conn
	r    *bufio.Reader
}

// dial connects name to addr over TCP. The connection's reads and writes
// fail after 5s: a net under a hang, not a timing.
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
