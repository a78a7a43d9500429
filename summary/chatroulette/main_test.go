package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"io"
	"log"
	"net"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// bubbled returns how many goroutines the caller's synctest bubble holds, the
// caller included, once every one of them has run as far as it can without
// time passing: a goroutine that sleeps or is blocked counts, one that has
// ended does not.
func bubbled() int {
	synctest.Wait()
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	// Each goroutine's header reads "goroutine N [state, synctest bubble B]:";
	// the caller's comes first.
	first, _, _ := bytes.Cut(buf, []byte("\n"))
	bubble := first[bytes.LastIndex(first, []byte(", synctest bubble ")):]
	n := 0
	for line := range bytes.Lines(buf) {
		if bytes.HasPrefix(line, []byte("goroutine ")) && bytes.HasSuffix(bytes.TrimSuffix(line, []byte("\n")), bubble) {
			n++
		}
	}
	return n
}

// ms is n milliseconds.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// The page's sample: what go run ./summary/chatroulette prints with its
// default flags, but the ledger's line.
const wantDemo = `chatroulette: a scripted demo on a loopback server; -wait 300ms and bot -delay 100ms, short for the demo (the talk's: 5s and 1s)
alice hears: Waiting for a partner...Found one! Say hi.
bob hears: Waiting for a partner...Found one! Say hi.
alice: Hi! Is anybody there?
bob hears: Hi! Is anybody there?
bob: Yes, a gopher. Hello alice!
alice hears: Yes, a gopher. Hello alice!
alice leaves
bob's connection closes: when one leaves, the server ends the chat
carol hears, after -wait alone (nobody came, so her partner is the bot): Waiting for a partner...Found one! Say hi.
carol hears the bot, a -delay later: I am not a bot, I am not a bot,
carol: Hello? Do gophers like to chat?
carol hears the bot, a -delay later: Two gophers meet, talk for a while, and go home.
carol leaves
the server stops: listener closed, every chat ended, every goroutine done
`

// defaults is the config the flags choose when none is given, for the demo.
var defaults = config{wait: 300 * time.Millisecond, delay: 100 * time.Millisecond, writeTimeout: 10 * time.Second, maxConns: 1000}

// The demo pinned in virtual time: the same server and script as the real
// run, over in-memory connections instead of loopback TCP.
func TestDemoWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		logger := log.New(&out, "", 0)
		s := newServer(newSeededChain(1), defaults, logger)
		l := newPipeListener()
		l.conns = make(chan net.Conn, 2) // a backlog: alice and bob dial before the server accepts
		before := bubbled()
		start := time.Now()
		if err := demo(logger, s, l, l.eagerDial); err != nil {
			t.Fatal(err)
		}
		if out.String() != wantDemo {
			t.Errorf("the demo printed:\n%s\nwant:\n%s", out.String(), wantDemo)
		}
		// -wait alone for carol, then two answers a -delay apart.
		if took, want := time.Since(start), defaults.wait+2*defaults.delay; took != want {
			t.Errorf("the demo took %v, want -wait and two bot -delays, %v", took, want)
		}
		if n := bubbled() - before; n != 0 {
			t.Errorf("%d goroutines still sleeping or blocked when the demo returned, want 0: shutdown left one of the server's behind", n)
		}
	})
}

// eagerDial connects name to the server behind l over net.Pipe, with a
// reader that takes what the server writes at once, into a queue, as a TCP
// socket's buffer does: the demo's server writes to bob before the script
// reads from him.
func (l *pipeListener) eagerDial(name string) (*client, error) {
	mine, srv := net.Pipe()
	l.conns <- srv
	in := &inbox{chunks: make(chan []byte, 100)}
	go in.fill(mine)
	return &client{name, mine, bufio.NewReader(in)}, nil
}

// An inbox is what a connection has received and nobody has read yet.
type inbox struct {
	chunks chan []byte
	err    error // why fill stopped, once chunks is closed
	rest   []byte
}

func (in *inbox) fill(c net.Conn) {
	for {
		buf := make([]byte, 512)
		n, err := c.Read(buf)
		if n > 0 {
			in.chunks <- buf[:n]
		}
		if err != nil {
			in.err = err
			close(in.chunks)
			return
		}
	}
}

func (in *inbox) Read(p []byte) (int, error) {
	if len(in.rest) == 0 {
		chunk, ok := <-in.chunks
		if !ok {
			return 0, in.err
		}
		in.rest = chunk
	}
	n := copy(p, in.rest)
	in.rest = in.rest[n:]
	return n, nil
}

// The real run, on loopback: it ends by itself, with the sample's last line.
// Its lines are not compared with the sample: a real run's order depends on
// real time (under a heavy load, alice could wait -wait alone).
func TestShowWithDefaultFlagsEndsByItself(t *testing.T) {
	var out bytes.Buffer
	var err error
	within(t, "show with default flags", func() { err = show(&out, defaults, 1) })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.String(), "the server stops: listener closed, every chat ended, every goroutine done\n") {
		t.Errorf("show printed:\n%s\nwant it to end with the server's stop", out.String())
	}
}

// The demo uses its own short -wait and -delay unless a flag sets them.
func TestDemoKeepsTheDurationsTheFlagsSet(t *testing.T) {
	for _, tc := range []struct {
		args        []string
		wait, delay time.Duration
	}{
		{nil, defaults.wait, defaults.delay},
		{[]string{"-wait", "5s"}, 5 * time.Second, defaults.delay},
		{[]string{"-delay", "1s"}, defaults.wait, time.Second},
	} {
		fs := flag.NewFlagSet("chatroulette", flag.ContinueOnError)
		var c config
		fs.DurationVar(&c.wait, "wait", 5*time.Second, "")
		fs.DurationVar(&c.delay, "delay", time.Second, "")
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		demoDurations(&c, fs)
		if c.wait != tc.wait || c.delay != tc.delay {
			t.Errorf("%q: the demo runs with -wait %v and -delay %v, want %v and %v", tc.args, c.wait, c.delay, tc.wait, tc.delay)
		}
	}
}

func TestCheckAcceptsTheStatedBoundsOnly(t *testing.T) {
	t.Parallel()
	ok := config{wait: time.Second, delay: time.Second, writeTimeout: time.Second, maxConns: 10}
	with := func(f func(*config)) config { c := ok; f(&c); return c }
	for _, tc := range []struct {
		name string
		c    config
		args []string
		ok   bool
	}{
		{"defaults", ok, nil, true},
		{"-wait 1ms", with(func(c *config) { c.wait = time.Millisecond }), nil, true},
		{"-wait 1h", with(func(c *config) { c.wait = time.Hour }), nil, true},
		{"-wait 999µs", with(func(c *config) { c.wait = time.Millisecond - time.Microsecond }), nil, false},
		{"-wait 1h0m1s", with(func(c *config) { c.wait = time.Hour + time.Second }), nil, false},
		{"-delay 0s", with(func(c *config) { c.delay = 0 }), nil, true},
		{"-delay 1m", with(func(c *config) { c.delay = time.Minute }), nil, true},
		{"-delay -1ns", with(func(c *config) { c.delay = -1 }), nil, false},
		{"-delay 1m0.001s", with(func(c *config) { c.delay = time.Minute + time.Millisecond }), nil, false},
		{"-writetimeout 1ms", with(func(c *config) { c.writeTimeout = time.Millisecond }), nil, true},
		{"-writetimeout 1h", with(func(c *config) { c.writeTimeout = time.Hour }), nil, true},
		{"-writetimeout 0s", with(func(c *config) { c.writeTimeout = 0 }), nil, false},
		{"-writetimeout 1h0m1s", with(func(c *config) { c.writeTimeout = time.Hour + time.Second }), nil, false},
		{"-idle 0s", with(func(c *config) { c.idle = 0 }), nil, true},
		{"-idle 1h", with(func(c *config) { c.idle = time.Hour }), nil, true},
		{"-idle -1ns", with(func(c *config) { c.idle = -1 }), nil, false},
		{"-idle 1h0m1s", with(func(c *config) { c.idle = time.Hour + time.Second }), nil, false},
		{"-maxconns 1", with(func(c *config) { c.maxConns = 1 }), nil, true},
		{"-maxconns 100000", with(func(c *config) { c.maxConns = 100_000 }), nil, true},
		{"-maxconns 0", with(func(c *config) { c.maxConns = 0 }), nil, false},
		{"-maxconns 100001", with(func(c *config) { c.maxConns = 100_001 }), nil, false},
		{"an argument", ok, []string{"extra"}, false},
	} {
		if err := check(tc.c, tc.args); (err == nil) != tc.ok {
			t.Errorf("%s: check returned %v, want ok %t", tc.name, err, tc.ok)
		}
	}
}

func TestListenTakesOnlyALoopbackAddress(t *testing.T) {
	t.Parallel()
	for addr, ok := range map[string]bool{
		"localhost:4000": true, "127.3.2.1:4000": true, "[::1]:4000": true,
		":4000": false, "0.0.0.0:4000": false, "192.168.1.1:4000": false, "example.com:4000": false, "4000": false,
	} {
		err := check(config{listen: addr, wait: time.Second, writeTimeout: time.Second, maxConns: 1}, nil)
		if (err == nil) != ok {
			t.Errorf("-listen %s: %v", addr, err)
		}
	}
}

func TestListenShutsTheServerDownWhenItsContextIsDone(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	out := log.New(pw, "", 0)
	s := newServer(newSeededChain(1), config{wait: time.Hour, delay: time.Hour, writeTimeout: time.Hour, maxConns: 10}, out)
	s.events = true
	ctx, cancel := context.WithCancel(context.Background())
	returned := make(chan struct{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		listen(ctx, out, s, l)
		pw.Close() // ends the test's ReadAll
		close(returned)
	}()
	r := bufio.NewReader(pr)
	logged := make(chan string, 1)
	go func() { // the server's log, read as it comes: a log line waits for its read
		b, _ := io.ReadAll(r)
		logged <- string(b)
	}()
	addr := l.Addr().String()
	alice, bob := pair(t, addr, "alice", "bob")
	relay(t, alice, bob, []byte("hi\n"))
	carol := join(t, addr, "carol")
	cancel()
	var rest string
	within(t, "listen, after its context was done (a waiting carol must hear quit)", func() {
		<-returned
		rest = <-logged
	})
	if want := "stopping: the listener closes and every chat ends\nstopped: every goroutine the server started is done\n"; !strings.HasSuffix(rest, want) {
		t.Errorf("printed %q, want it to end with %q", rest, want)
	}
	if strings.Contains(rest, "left") || strings.Contains(rest, "error") {
		t.Errorf("printed %q: the server's shutdown closed every connection, nobody left", rest)
	}
	// listen has returned and the process lives on: the server's own
	// shutdown, not the process's exit, closed everything.
	for _, c := range []*client{alice, bob, carol} {
		if _, err := c.r.ReadByte(); err != io.EOF {
			t.Errorf("%s read %v after listen returned, want EOF", c.name, err)
		}
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("the listener still accepts after listen returned")
	}
	if len(s.conns) != 0 {
		t.Errorf("%d connections still tracked after shutdown", len(s.conns))
	}
}

// The ledger names each stuck goroutine by where it waits.
func TestLedgerNamesWhereGoroutinesAreStuck(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		stuck := make(chan string)
		_, _, line, _ := runtime.Caller(0)
		for range 2 {
			go func() { stuck <- "not yet received" }() // line+2: the line the ledger must name
		}
		synctest.Wait() // both are blocked in their send
		var out bytes.Buffer
		ledger(&out, 0)
		want := "  2 sending on a channel in TestLedgerNamesWhereGoroutinesAreStuck.func1.1 at main_test.go:"
		if !strings.HasPrefix(out.String(), "goroutines still running: ") || !strings.Contains(out.String(), want) {
			t.Fatalf("ledger printed:\n%s\nwant a count, then the line\n%s%d", out.String(), want, line+2)
		}
		<-stuck
		<-stuck
	})
}
