package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"
)

// bound is how long a test over TCP waits for an event: a break that hangs
// fails within seconds, saying what it waited for. No assertion depends on
// it; the clients' own reads and writes fail after 5s too (dial).
const bound = 5 * time.Second

// within fails the test unless f returns within bound.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		f()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(bound):
		t.Fatalf("%s: still waiting after %v", what, bound)
	}
}

// withMax gives c the default -maxconns where it has none.
func withMax(c config) config {
	if c.maxConns == 0 {
		c.maxConns = 1000
	}
	return c
}

// tcpServer starts a server with c's durations on an ephemeral 127.0.0.1
// port. stop shuts the server down, once (the test's cleanup calls it too),
// and returns what it logged.
func tcpServer(t *testing.T, c config) (s *server, addr string, stop func() string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer // read once shutdown has waited for every writer
	s = newServer(NewChain(2, 1), withMax(c), log.New(&logged, "", 0))
	s.start(l)
	stop = sync.OnceValue(func() string {
		within(t, "shutdown (every chat ends, every goroutine the server started is done)", func() { s.shutdown(l) })
		return logged.String()
	})
	t.Cleanup(func() { stop() })
	return s, l.Addr().String(), stop
}

// join dials addr as name and waits for the server's first words.
func join(t *testing.T, addr, name string) *client {
	t.Helper()
	c, err := dial(addr, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.conn.Close() })
	hear(t, c, "Waiting for a partner...")
	return c
}

// pair connects two people and waits until they are chatting.
func pair(t *testing.T, addr, a, b string) (*client, *client) {
	t.Helper()
	ca, cb := join(t, addr, a), join(t, addr, b)
	greet(t, ca, cb)
	return ca, cb
}

// greet waits until each of people has heard the greeting. chat greets its
// two in an order of its own, and over net.Pipe a write waits for its read:
// read them all at once.
func greet(t *testing.T, people ...*client) {
	t.Helper()
	errc := make(chan error, len(people))
	for _, p := range people {
		go func() { errc <- p.expect("Found one! Say hi.\n") }()
	}
	for range people {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
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

func hear(t *testing.T, c *client, want string) {
	t.Helper()
	if err := c.expect(want); err != nil {
		t.Fatal(err)
	}
}

func say(t *testing.T, c *client, line string) {
	t.Helper()
	if _, err := fmt.Fprintln(c.conn, line); err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
}

func line(t *testing.T, c *client) string {
	t.Helper()
	s, err := c.readLine()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMatchPairsEveryoneAndTheOddOneWaits(t *testing.T) {
	for _, n := range []int{2, 3, 100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			// No bot: nobody may be paired with anything but a person.
			_, addr, stop := tcpServer(t, config{wait: time.Hour, delay: time.Hour})
			type pairing struct{ name, partner string }
			met := make(chan pairing)
			meet := func(c *client) { // greeted, c says its name and hears its partner's
				err := c.expect("Found one! Say hi.\n")
				if err == nil {
					_, err = fmt.Fprintln(c.conn, c.name)
				}
				partner, err2 := c.readLine()
				if err = errors.Join(err, err2); err != nil {
					t.Error(err)
				}
				met <- pairing{c.name, partner}
			}
			for i := range n {
				go meet(join(t, addr, fmt.Sprintf("p%d", i)))
			}
			partner := map[string]string{}
			for range n - n%2 { // every pair meets; the odd one cannot
				m := <-met
				partner[m.name] = m.partner
			}
			if n%2 == 1 {
				// The one left has heard only "Waiting for a partner...": a
				// latecomer is its partner.
				go meet(join(t, addr, "late"))
				for range 2 {
					m := <-met
					partner[m.name] = m.partner
				}
				if partner[partner["late"]] != "late" {
					t.Errorf("the latecomer met %q, who met %q", partner["late"], partner[partner["late"]])
				}
			}
			for a, b := range partner {
				if partner[b] != a {
					t.Errorf("%s met %s, but %s met %s", a, b, b, partner[b])
				}
			}
			if len(partner) != n+n%2 {
				t.Errorf("%d people met a partner, want %d", len(partner), n+n%2)
			}
			if logged := stop(); logged != "" {
				t.Errorf("the server logged %q", logged)
			}
		})
	}
}

// relay writes data to from's connection while to reads exactly len(data)
// bytes, and checks that they arrive unchanged.
func relay(t *testing.T, from, to *client, data []byte) {
	errc := make(chan error, 1)
	go func() {
		_, err := from.conn.Write(data)
		errc <- err
	}()
	got := make([]byte, len(data))
	if _, err := io.ReadFull(to.r, got); err != nil {
		t.Errorf("%s -> %s: %v", from.name, to.name, err)
	}
	if err := <-errc; err != nil {
		t.Errorf("%s writes: %v", from.name, err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("%s -> %s: %d bytes arrived changed", from.name, to.name, len(data))
	}
}

func randomBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{byte(seed)}).Read(b)
	return b
}

func TestChatRelaysEveryByteBothWays(t *testing.T) {
	t.Parallel()
	s, addr, stop := tcpServer(t, config{wait: time.Hour, delay: time.Hour})
	alice, bob := pair(t, addr, "alice", "bob")
	// Both ways at once: neither side's copy waits for the other's.
	var wg sync.WaitGroup
	wg.Go(func() { relay(t, alice, bob, randomBytes(1, 1<<20)) })
	wg.Go(func() { relay(t, bob, alice, randomBytes(2, 1<<20)) })
	wg.Wait()
	// However long the line, it arrives as typed; the chain learns a word of
	// it cut to maxWordLen bytes.
	relay(t, alice, bob, append(bytes.Repeat([]byte("x"), 1<<20), '\n'))
	relay(t, bob, alice, []byte("hello\n"))
	if logged := stop(); logged != "" {
		t.Errorf("the server logged %q", logged)
	}
	if s.chain.size > maxBytes || s.chain.suffixes > maxSuffixes {
		t.Errorf("the chain learned %d words, %d bytes: more than its bounds", s.chain.suffixes, s.chain.size)
	}
}

func TestPartnerLeavingClosesTheOther(t *testing.T) {
	for _, tc := range []struct {
		name, leaver string
		reset        bool   // close with linger 0: the server's read fails with a reset, not EOF
		logged       string // what the server logs
	}{
		{"a leaves", "a", false, ""},
		{"b leaves", "b", false, ""},
		{"a resets", "a", true, "connection reset by peer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, addr, stop := tcpServer(t, config{wait: time.Hour, delay: time.Hour})
			leaver, stayer := pair(t, addr, "a", "b")
			if tc.leaver == "b" {
				leaver, stayer = stayer, leaver
			}
			relay(t, leaver, stayer, []byte("bye\n"))
			if tc.reset {
				leaver.conn.(*net.TCPConn).SetLinger(0)
			}
			leaver.conn.Close()
			if _, err := stayer.r.ReadByte(); err != io.EOF {
				t.Errorf("after %s left, %s read %v, want EOF", leaver.name, stayer.name, err)
			}
			logged := stop()
			if tc.logged == "" && logged != "" || !strings.Contains(logged, tc.logged) || strings.Count(logged, "\n") > 1 {
				t.Errorf("the server logged %q, want %q", logged, tc.logged)
			}
		})
	}
}

// inUse returns the bytes of heap and goroutine stacks in use after a
// garbage collection.
func inUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

// pipeListener is an in-memory net.Listener: dial hands it one end of a
// net.Pipe, so a server can run inside a synctest bubble. acceptDelay and
// closeDelay make Accept slow to return a connection or to report that the
// listener is closed.
type pipeListener struct {
	conns                   chan net.Conn
	closed                  chan struct{}
	close                   func()
	acceptDelay, closeDelay time.Duration
}

func newPipeListener() *pipeListener {
	closed := make(chan struct{})
	return &pipeListener{conns: make(chan net.Conn), closed: closed, close: sync.OnceFunc(func() { close(closed) })}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		time.Sleep(l.acceptDelay)
		return c, nil
	case <-l.closed:
		time.Sleep(l.closeDelay)
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error   { l.close(); return nil }
func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// dial connects to the server behind l and waits for its first words.
func (l *pipeListener) dial(t *testing.T, name string) *client {
	t.Helper()
	mine, srv := net.Pipe()
	l.conns <- srv
	c := &client{name, mine, bufio.NewReader(mine)}
	hear(t, c, "Waiting for a partner...")
	return c
}

// pipeServer starts a server with c's durations and an empty chain behind a
// pipeListener, inside the caller's synctest bubble.
func pipeServer(c config) (*server, *pipeListener) {
	s := newServer(NewChain(2, 1), withMax(c), log.New(io.Discard, "", 0))
	l := newPipeListener()
	s.start(l)
	return s, l
}

// shutdownWithin shuts s down and fails the test unless shutdown returns
// within an hour of the bubble's time.
func shutdownWithin(t *testing.T, s *server, l net.Listener) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		s.shutdown(l)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Hour):
		t.Fatal("shutdown has not returned an hour later: a goroutine the server started never ended (a matcher that never hears quit, a copy stuck in its send on errc, a chat that never ends)")
	}
}

// chatting returns how many connections the server holds.
func chatting(s *server) int {
	synctest.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func TestBotJoinsAtWaitAndAnswersADelayAfterTheFirstUnansweredWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		// An empty chain: whatever the bot says, it learned from carol.
		s, l := pipeServer(config{wait: 5 * time.Second, delay: time.Second})
		carol := l.dial(t, "carol")
		hear(t, carol, "Found one! Say hi.\n")
		if got := time.Since(start); got != 5*time.Second {
			t.Errorf("the bot joined at %v, want exactly -wait, 5s", got)
		}
		// answer waits an hour at most for the bot's next line and checks
		// when it comes.
		answer := func(want time.Duration) {
			t.Helper()
			carol.conn.SetReadDeadline(time.Now().Add(time.Hour))
			line, err := carol.readLine()
			if got := time.Since(start); err != nil && want != 0 {
				t.Errorf("no answer by %v, want one at %v", got, want)
			} else if err == nil && (line != "zebras eat quinces" || got != want) {
				t.Errorf("the bot said %q at %v, want what carol taught it at %v", line, got, want)
			}
		}
		// chat's greeting and carol's line reach the bot at 5s: one answer,
		// a delay later, then none.
		say(t, carol, "zebras eat quinces")
		answer(6 * time.Second)
		answer(0)
		// A thousand writes, the first at 1h6s: one answer, a delay after
		// the first.
		for i := range 1000 {
			say(t, carol, "zebras eat quinces")
			if i == 0 {
				time.Sleep(time.Millisecond)
			}
		}
		answer(time.Hour + 7*time.Second)
		answer(0)
		// carol stops reading for a while: the bot's first answer waits in
		// the copy towards her, its second in the bot itself. The write that
		// comes meanwhile is answered too, a delay after the bot is free.
		t0 := time.Since(start)
		say(t, carol, "zebras eat quinces")
		time.Sleep(1500 * time.Millisecond)
		say(t, carol, "zebras eat quinces")
		time.Sleep(1500 * time.Millisecond)
		say(t, carol, "zebras eat quinces")
		time.Sleep(time.Second)
		answer(t0 + 4*time.Second)
		answer(t0 + 4*time.Second)
		answer(t0 + 5*time.Second)
		answer(0)
		carol.conn.Close()
		shutdownWithin(t, s, l)
	})
}

func TestAPartnerJustBeforeWaitBeatsTheBot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		s, l := pipeServer(config{wait: 5 * time.Second, delay: time.Second})
		alice := l.dial(t, "alice")
		time.Sleep(5*time.Second - time.Millisecond)
		bob := l.dial(t, "bob")
		greet(t, alice, bob)
		say(t, alice, "hi bob")
		if got := line(t, bob); got != "hi bob" {
			t.Errorf("bob heard %q", got)
		}
		if got := time.Since(start); got != 5*time.Second-time.Millisecond {
			t.Errorf("alice and bob met at %v, want 4.999s", got)
		}
		// Past -wait, nothing else happens: the bot's timer has no one to
		// take. The chat goes on.
		time.Sleep(time.Hour)
		say(t, bob, "hi alice")
		if got := line(t, alice); got != "hi alice" {
			t.Errorf("alice heard %q", got)
		}
		shutdownWithin(t, s, l)
	})
}

func TestAWriteThatTakesLongerThanWriteTimeoutEndsTheChat(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, l := pipeServer(config{wait: time.Hour, delay: time.Hour, writeTimeout: 10 * time.Second})
		alice, bob := l.dial(t, "alice"), l.dial(t, "bob")
		greet(t, alice, bob)
		// A net.Pipe buffers nothing: the server's write of alice's line
		// to bob, who does not read, waits from now on.
		say(t, alice, "are you there?")
		time.Sleep(time.Second)
		alice.conn.Close() // alice leaves: nobody notices, the copy from her is not reading
		time.Sleep(9*time.Second - time.Nanosecond)
		if n := chatting(s); n != 2 {
			t.Fatalf("%d connections held just before the write's deadline, want alice's and bob's", n)
		}
		time.Sleep(time.Nanosecond)
		if n := chatting(s); n != 0 {
			t.Errorf("%d connections held at the write's deadline, 10s after it started; want 0", n)
		}
		if _, err := bob.r.ReadByte(); err != io.EOF {
			t.Errorf("bob read %v, want EOF: the server closed his connection", err)
		}
		shutdownWithin(t, s, l)
	})
}

func TestIdleEndsTheChatOfAClientSilentThatLong(t *testing.T) {
	for _, idle := range []time.Duration{0, time.Minute} {
		t.Run(fmt.Sprint("idle ", idle), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s, l := pipeServer(config{wait: time.Hour, delay: time.Hour, writeTimeout: time.Hour, idle: idle})
				alice, bob := l.dial(t, "alice"), l.dial(t, "bob")
				greet(t, alice, bob)
				// alice speaks at 30s; bob stays silent.
				time.Sleep(30 * time.Second)
				say(t, alice, "hello?")
				if got := line(t, bob); got != "hello?" {
					t.Errorf("bob heard %q", got)
				}
				time.Sleep(30*time.Second - time.Nanosecond)
				if n := chatting(s); n != 2 {
					t.Fatalf("%d connections held just before a minute's silence from bob, want 2", n)
				}
				time.Sleep(time.Nanosecond)
				want := 2 // no limit: the chat goes on
				if idle > 0 {
					want = 0 // bob has been silent for -idle
				}
				if n := chatting(s); n != want {
					t.Errorf("-idle %v: %d connections held after a minute's silence from bob, want %d", idle, n, want)
				}
				shutdownWithin(t, s, l)
			})
		})
	}
}

// slowClose is a server-side connection that is slow to finish: its second
// and later Close take closeDelay (shutdown closes each connection first,
// quickly; the chats' own closes come after), and a Read that fails takes
// readDelay to say so (but not the Read that the chat's start interrupts
// with a deadline, which ends the watch of a waiting connection).
type slowClose struct {
	net.Conn
	readDelay, closeDelay time.Duration
	closed                *atomic.Bool
}

func (c slowClose) Close() error {
	if c.closed.Swap(true) {
		time.Sleep(c.closeDelay)
	}
	return c.Conn.Close()
}

func (c slowClose) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		time.Sleep(c.readDelay)
	}
	return n, err
}

func TestShutdownWaitsForEveryGoroutineItStarted(t *testing.T) {
	// Each goroutine the server starts is made slow to end in one of two
	// ways; whichever ends last decides when shutdown may return.
	for _, tc := range []struct {
		name        string
		acceptDelay time.Duration // serve's Accept is this slow to fail
		closeDelay  time.Duration // a connection's second Close takes this long
		want        time.Duration
	}{
		// The copies end last: bob's read fails after 30ms.
		{"slow copies", 0, time.Millisecond, 30 * time.Millisecond},
		// The matchers end last: alice's and bob's chat closes both, 20ms
		// each, after alice's read fails at 20ms.
		{"slow chats", 0, 20 * time.Millisecond, 60 * time.Millisecond},
		// The accept loop ends last.
		{"slow accept loop", 100 * time.Millisecond, time.Millisecond, 100 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Which of a pair is chat's a and which its b is the select's
			// choice, so which copy ends last (only the WaitGroup waits for
			// it; chat waits for the other) changes from run to run. Sixteen
			// runs: each copy is the last in some run, bar a chance of 2⁻¹⁶.
			for range 16 {
				synctest.Test(t, func(t *testing.T) { shutdownWaits(t, tc.acceptDelay, tc.closeDelay, tc.want) })
			}
		})
	}
}

func shutdownWaits(t *testing.T, acceptDelay, closeDelay, want time.Duration) {
	var logged bytes.Buffer
	s := newServer(newSeededChain(1), withMax(config{wait: 5 * time.Second, delay: time.Hour}), log.New(&logged, "", 0))
	l := newPipeListener()
	l.closeDelay = acceptDelay
	s.start(l)
	dial := func(name string, readDelay time.Duration) *client {
		mine, srv := net.Pipe()
		l.conns <- slowClose{srv, readDelay, closeDelay, new(atomic.Bool)}
		c := &client{name, mine, bufio.NewReader(mine)}
		hear(t, c, "Waiting for a partner...")
		return c
	}
	// carol meets the bot at 5s and asks; its answer is an hour away.
	carol := dial("carol", 10*time.Millisecond)
	hear(t, carol, "Found one! Say hi.\n")
	say(t, carol, "anyone?")
	synctest.Wait() // the bot has heard carol: its answer is pending
	alice, bob := dial("alice", 20*time.Millisecond), dial("bob", 30*time.Millisecond)
	greet(t, alice, bob)
	// dave waits alone. When shutdown closes quit, his matcher closes him
	// and forgets him, before or after shutdown lists the connections to
	// close: a race, so his connection is a plain one, not slow.
	dave := l.dial(t, "dave")
	synctest.Wait() // every copy is reading: the watches of the chats' connections have stopped
	start := time.Now()
	shutdownWithin(t, s, l)
	// shutdown closes carol, alice and bob, and each chat's copies fail to
	// read: carol's after 10ms, alice's after 20ms, bob's after 30ms. Then
	// carol's chat closes carol and the bot, alice's closes alice and bob.
	// The bot's answer, an hour away, is dropped, not waited for.
	if elapsed := time.Since(start); elapsed != want {
		t.Errorf("shutdown took %v, want %v: it returns once every goroutine the server started has ended; dave, waiting alone, hears quit at once, and each chat ends as its copies fail", elapsed, want)
	}
	for _, c := range []*client{alice, bob, carol, dave} {
		if _, err := c.r.ReadByte(); err != io.EOF {
			t.Errorf("%s read %v after shutdown, want EOF", c.name, err)
		}
	}
	if logged.Len() != 0 {
		t.Errorf("closing chats at shutdown is no error, but the server logged %q", logged.String())
	}
}

func TestAConnectionAcceptedDuringShutdownIsClosedAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, l := pipeServer(config{wait: time.Hour, delay: time.Hour})
		l.acceptDelay = time.Millisecond // Accept returns a moment after shutdown began
		mine, srv := net.Pipe()
		l.conns <- srv
		heard := make(chan error)
		go func() {
			_, err := mine.Read(make([]byte, 1))
			heard <- err
		}()
		shutdownWithin(t, s, l)
		if err := <-heard; err != io.EOF {
			t.Errorf("the late connection read %v, want EOF: the server closed it without a word", err)
		}
	})
}

func TestAClientWhoLeavesWhileWaitingIsNobodysPartner(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, l := pipeServer(config{wait: 5 * time.Second, delay: time.Hour})
		alice := l.dial(t, "alice")
		alice.conn.Close() // alice hangs up while "Waiting for a partner..."
		if n := chatting(s); n != 0 {
			t.Errorf("the server still holds alice's connection after she hung up while waiting (%d held, want 0)", n)
		}
		start := time.Now()
		bob := l.dial(t, "bob")
		hear(t, bob, "Found one! Say hi.\n")
		if waited := time.Since(start); waited != 5*time.Second {
			t.Errorf("bob found a partner after %v, want the bot after -wait, 5s: alice, who had hung up while waiting, was still on the partner channel, a ghost partner", waited)
		}
		bob.conn.Close()
		shutdownWithin(t, s, l)
	})
}

func TestWhatAClientTypesWhileWaitingReachesItsPartner(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, l := pipeServer(config{wait: time.Hour, delay: time.Hour})
		alice := l.dial(t, "alice")
		long := strings.Repeat("x", 2*maxTyped)
		typed := make(chan error, 1)
		go func() { // over net.Pipe a write waits for its read: only the watch reads alice now
			// More than the watch keeps: the rest waits in the connection.
			_, err := fmt.Fprintf(alice.conn, "anyone here?\n%s\n", long)
			typed <- err
		}()
		time.Sleep(time.Minute)
		bob := l.dial(t, "bob")
		greet(t, alice, bob)
		if got := line(t, bob); got != "anyone here?" {
			t.Errorf("bob heard %q, want what alice typed while she waited", got)
		}
		if got := line(t, bob); got != long {
			t.Errorf("bob heard %d bytes of alice's second line, want all %d she typed while she waited", len(got), len(long))
		}
		if err := <-typed; err != nil {
			t.Errorf("alice typed: %v", err)
		}
		alice.conn.Close()
		shutdownWithin(t, s, l)
	})
}

// A flakyListener's Accept fails fails times, then returns one connection,
// then fails again fails times, then waits until it is closed. at records
// when each Accept was called.
type flakyListener struct {
	*pipeListener
	fails, calls int
	at           []time.Duration
	start        time.Time
}

func (l *flakyListener) Accept() (net.Conn, error) {
	l.at = append(l.at, time.Since(l.start))
	l.calls++
	switch {
	case l.calls <= l.fails || l.calls > l.fails+1 && l.calls <= 2*l.fails+1:
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	case l.calls == l.fails+1:
		_, srv := net.Pipe()
		return srv, nil
	}
	return l.pipeListener.Accept()
}

func TestServeRetriesAFailingAcceptWithAGrowingPause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logged bytes.Buffer
		s := newServer(NewChain(2, 1), withMax(config{wait: time.Hour, delay: time.Hour, writeTimeout: time.Second}), log.New(&logged, "", 0))
		l := &flakyListener{pipeListener: newPipeListener(), fails: 10, start: time.Now()}
		s.start(l)
		time.Sleep(time.Hour)
		s.shutdown(l) // serve has returned: l.at is the test's to read
		var pauses []time.Duration
		for i := 1; i < len(l.at); i++ {
			pauses = append(pauses, l.at[i]-l.at[i-1])
		}
		want := []time.Duration{ms(5), ms(10), ms(20), ms(40), ms(80), ms(160), ms(320), ms(640), ms(1000), ms(1000), 0, ms(5), ms(10), ms(20), ms(40), ms(80), ms(160), ms(320), ms(640), ms(1000), ms(1000)}
		if !slices.Equal(pauses, want) {
			t.Errorf("serve called Accept again after pauses of %v,\nwant %v: after each failing Accept it must try again, 5ms later first, the pause doubling up to 1s, and back to 5ms once a connection comes", pauses, want)
		}
		if first, _, _ := strings.Cut(logged.String(), "\n"); first != "accept: accept tcp: accept4: too many open files; trying again in 5ms" {
			t.Errorf("the server's first log line is %q, want the error and the pause", first)
		}
	})
}

func TestAConnectionOverMaxConnsHearsOneLineAndIsClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, l := pipeServer(config{wait: time.Hour, delay: time.Hour, writeTimeout: time.Second, maxConns: 2})
		alice, bob := l.dial(t, "alice"), l.dial(t, "bob")
		greet(t, alice, bob)
		mine, srv := net.Pipe()
		l.conns <- srv
		mine.SetReadDeadline(time.Now().Add(time.Minute)) // a turned-away connection ends at once
		heard, err := io.ReadAll(mine)
		if want := "Too many people here right now; try again later.\n"; string(heard) != want || err != nil {
			t.Errorf("a third connection with -maxconns 2 heard %q (%v), want %q and then the end of the connection", heard, err, want)
		}
		// bob leaves: his chat with alice ends, and the server has room again.
		bob.conn.Close()
		if n := chatting(s); n != 0 {
			t.Fatalf("%d connections held after bob left, want 0", n)
		}
		carol := l.dial(t, "carol")
		carol.conn.Close()
		shutdownWithin(t, s, l)
	})
}

func TestWithListenTheServerLogsEachEvent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logged bytes.Buffer
		s := newServer(NewChain(2, 1), withMax(config{wait: 5 * time.Second, delay: time.Hour, writeTimeout: time.Hour}), log.New(&logged, "", 0))
		s.events = true
		l := newPipeListener()
		s.start(l)
		alice := l.dial(t, "alice")
		synctest.Wait()
		bob := l.dial(t, "bob")
		greet(t, alice, bob)
		alice.conn.Close()
		synctest.Wait()
		carol := l.dial(t, "carol")
		hear(t, carol, "Found one! Say hi.\n") // the bot, after -wait
		carol.conn.Close()
		synctest.Wait()
		dave := l.dial(t, "dave")
		dave.conn.Close()
		synctest.Wait()
		shutdownWithin(t, s, l)
		want := `connection 1 waiting
connection 2 waiting
connection 2 took connection 1 from the partner channel
connection 1 left
connection 3 waiting
the bot joined connection 3
connection 3 left
connection 4 waiting
connection 4 left
`
		// alice and bob are both in the select: either may take the other.
		if got := strings.Replace(logged.String(), "connection 1 took connection 2", "connection 2 took connection 1", 1); got != want {
			t.Errorf("the server logged:\n%s\nwant one line an event:\n%s", logged.String(), want)
		}
	})
}

// TestABotKeepsOneGoroutineHoweverOftenItIsWritten has carol write 20,000
// single bytes, each read on its own, so her bot is written to 20,000 times
// while its answer is an hour away. In the talk each write started a
// goroutine that slept before answering. Not parallel: it counts the
// process's goroutines. Run with -v to see the memory in use before and after.
func TestABotKeepsOneGoroutineHoweverOftenItIsWritten(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const writes = 20_000
		s, l := pipeServer(config{wait: time.Millisecond, delay: time.Hour, writeTimeout: time.Hour})
		carol := l.dial(t, "carol")
		hear(t, carol, "Found one! Say hi.\n") // the bot, after -wait
		synctest.Wait()
		goroutines, mem := runtime.NumGoroutine(), inUse()
		one := []byte("x")
		for range writes {
			if _, err := carol.conn.Write(one); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait()
		after, memAfter := runtime.NumGoroutine(), inUse()
		t.Logf("after %d one-byte writes to a bot: %d more goroutines; heap and stacks in use %.1f MiB before the writes, %.1f MiB after",
			writes, after-goroutines, float64(mem)/(1<<20), float64(memAfter)/(1<<20))
		if after > goroutines { // fewer: a goroutine of another test ended meanwhile
			t.Errorf("%d goroutines after %d writes to a bot whose answer is an hour away, %d before: the bot must answer from its one speaker, not start a goroutine a write", after, writes, goroutines)
		}
		carol.conn.Close()
		shutdownWithin(t, s, l)
	})
}

func TestChainGeneratesFromWhatItLearned(t *testing.T) {
	c := NewChain(2, 1)
	if got := c.Generate(10); got != "" {
		t.Errorf("an empty chain generated %q", got)
	}
	c.Write([]byte("one two three four five six seven eight nine ten eleven twelve"))
	if got, want := c.Generate(10), "one two three four five six seven eight nine ten"; got != want {
		t.Errorf("Generate(10) = %q, want %q (at most 10 words)", got, want)
	}
	// Two-word prefixes: after "a b" comes c or d, never e, which followed
	// "x b": one word of context would mix them.
	c = NewChain(2, 1)
	c.Write([]byte("a b c"))
	c.Write([]byte("a b d"))
	c.Write([]byte("x b e"))
	seen := map[string]bool{}
	for range 200 {
		seen[c.Generate(3)] = true
	}
	if len(seen) != 3 || !seen["a b c"] || !seen["a b d"] || !seen["x b e"] {
		t.Errorf("generated %v, want a b c, a b d and x b e", seen)
	}
	// One seed, one sequence of choices.
	gen := func(seed uint64) string {
		c := newSeededChain(seed)
		var b strings.Builder
		for range 5 {
			b.WriteString(c.Generate(10) + "|")
		}
		return b.String()
	}
	if a, b := gen(7), gen(7); a != b {
		t.Error("one seed generated two different texts")
	}
	if gen(7) == gen(8) {
		t.Error("two seeds generated the same five sentences")
	}
}

func TestSeedTextStartsEverySentence(t *testing.T) {
	c := newSeededChain(1)
	starts := map[string]bool{}
	for line := range strings.Lines(seedText) {
		starts[strings.Fields(line)[0]] = true
	}
	for range 100 {
		if first := strings.Fields(c.Generate(10))[0]; !starts[first] {
			t.Fatalf("a sentence starts with %q, not the first word of a line", first)
		}
	}
	if len(c.chain[" "]) != len(starts) {
		t.Errorf("%d sentence starts learned, want one per line", len(c.chain[" "]))
	}
}

func TestChainStopsLearningAtItsBounds(t *testing.T) {
	// In words: short words reach maxSuffixes first.
	c := NewChain(2, 1)
	c.Write(bytes.Repeat([]byte("w "), maxSuffixes+1))
	if c.suffixes != maxSuffixes {
		t.Errorf("the chain holds %d words, want its bound %d", c.suffixes, maxSuffixes)
	}
	// In bytes: long words reach maxBytes first, each cut to maxWordLen.
	c = NewChain(2, 1)
	long := string(bytes.Repeat([]byte("é"), maxWordLen)) // 2 bytes a letter
	for range maxBytes / maxWordLen {
		c.Write([]byte(long))
	}
	if got := c.chain[" "][0]; got != long[:maxWordLen] {
		t.Errorf("a word of %d bytes was learned as %d bytes, want %d", len(long), len(got), maxWordLen)
	}
	// Each word takes 64 bytes and the one prefix, " ", 1: one more word
	// would pass maxBytes.
	if want := maxBytes - maxWordLen + 1; c.size != want || c.size != len(c.chain[" "])*maxWordLen+1 {
		t.Errorf("the chain holds %d bytes in %d words, want %d", c.size, len(c.chain[" "]), want)
	}
	short := cut([]byte("a" + long)) // its first 64 bytes end in half a letter
	if len(short) != maxWordLen-1 || !utf8.Valid(short) {
		t.Errorf("cut to %d bytes, valid UTF-8 %v; want %d bytes, whole letters", len(short), utf8.Valid(short), maxWordLen-1)
	}
}

func TestChainIsSafeForConcurrentUse(t *testing.T) {
	c := NewChain(2, 1)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				fmt.Fprintf(c, "writer %d says %d\n", i, j)
				c.Generate(10)
			}
		})
	}
	wg.Wait()
	if c.suffixes != 100*8*4 {
		t.Errorf("%d words learned, want %d", c.suffixes, 100*8*4)
	}
}

// BenchmarkMatchAndChat measures pairing two connections through the partner
// channel, relaying one line and ending the chat, over net.Pipe.
func BenchmarkMatchAndChat(b *testing.B) {
	s := newServer(NewChain(2, 1), withMax(config{wait: time.Hour, delay: time.Hour}), log.New(io.Discard, "", 0))
	const greeting = "Waiting for a partner...Found one! Say hi.\n"
	line := []byte("hello\n")
	for b.Loop() {
		a, sa := net.Pipe()
		c, sc := net.Pipe()
		s.wg.Go(func() { s.match(s.socket(sa, 1)) })
		s.wg.Go(func() { s.match(s.socket(sc, 2)) })
		greeted := make(chan struct{})
		go func() {
			io.ReadFull(c, make([]byte, len(greeting))) // whichever order chat greets them
			close(greeted)
		}()
		io.ReadFull(a, make([]byte, len(greeting)))
		<-greeted
		go a.Write(line)
		io.ReadFull(c, make([]byte, len(line)))
		a.Close() // c's chat ends: the server closes c
		io.Copy(io.Discard, c)
	}
	s.wg.Wait()
}

// BenchmarkChainWrite measures what feeding a full chain (the steady state
// of a long-lived server) costs per typed kilobyte of words.
func BenchmarkChainWrite(b *testing.B) {
	text := bytes.Repeat([]byte("gophers dig tunnels "), 50) // 1000 bytes
	c := NewChain(2, 1)
	for c.suffixes < maxSuffixes {
		c.Write(text)
	}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		c.Write(text)
	}
}
