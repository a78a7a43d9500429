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
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// safetyNet bounds how long a test's client waits for anything over TCP: a
// hang fails instead of stalling the run. No assertion depends on it.
const safetyNet = 10 * time.Second

// tcpServer starts a server on an ephemeral 127.0.0.1 port. Its log goes to
// the returned buffer, which may be read once the server is shut down.
func tcpServer(t *testing.T, wait, delay time.Duration) (s *server, l net.Listener, logged *bytes.Buffer) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logged = new(bytes.Buffer)
	s = newServer(newSeededChain(1), wait, delay, log.New(logged, "", 0))
	s.start(l)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			s.shutdown(l)
		}
	})
	// Tests that stop the server themselves call stop instead.
	return s, stoppable{l, &stopped}, logged
}

// stoppable is the server's listener; closing it twice is harmless, and a
// test that called shutdown marks it so the cleanup does not call it again.
type stoppable struct {
	net.Listener
	stopped *bool
}

func shutdown(s *server, l net.Listener) {
	st := l.(stoppable)
	*st.stopped = true
	s.shutdown(st.Listener)
}

// A person is a test's client connection.
type person struct {
	t    *testing.T
	name string
	conn net.Conn
	r    *bufio.Reader
}

// join connects to addr and waits for the server's first words.
func join(t *testing.T, addr, name string) *person {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(safetyNet))
	p := &person{t, name, conn, bufio.NewReader(conn)}
	if err := p.expect("Waiting for a partner..."); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *person) expect(want string) error {
	buf := make([]byte, len(want))
	if _, err := io.ReadFull(p.r, buf); err != nil {
		return fmt.Errorf("%s: waiting for %q: %v", p.name, want, err)
	}
	if string(buf) != want {
		return fmt.Errorf("%s: heard %q, want %q", p.name, buf, want)
	}
	return nil
}

// meet waits for the greeting, says its name and returns the partner's.
func (p *person) meet() (string, error) {
	if err := p.expect("Found one! Say hi.\n"); err != nil {
		return "", err
	}
	if _, err := fmt.Fprintln(p.conn, p.name); err != nil {
		return "", err
	}
	line, err := p.r.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("%s: waiting for a name: %v", p.name, err)
	}
	return strings.TrimSuffix(line, "\n"), nil
}

type pairing struct{ name, partner string }

func TestMatchPairsEveryoneAndTheOddOneWaits(t *testing.T) {
	for _, n := range []int{2, 3, 4, 100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			// No bot: nobody may be paired with anything but a person.
			s, l, logged := tcpServer(t, time.Hour, time.Hour)
			addr := l.Addr().String()
			met := make(chan pairing)
			meet := func(p *person) {
				partner, err := p.meet()
				if err != nil {
					t.Error(err)
				}
				met <- pairing{p.name, partner}
			}
			people := map[string]*person{}
			for i := range n {
				p := join(t, addr, fmt.Sprintf("p%d", i))
				people[p.name] = p
				go meet(p)
			}
			partner := map[string]string{}
			for range n - n%2 { // every pair meets; the odd one cannot
				m := <-met
				partner[m.name] = m.partner
			}
			if n%2 == 1 {
				// Everyone else has met. The one left has heard only
				// "Waiting for a partner...": a latecomer is its partner.
				var odd string
				for name := range people {
					if _, ok := partner[name]; !ok {
						odd = name
					}
				}
				late := join(t, addr, "late")
				go meet(late)
				for range 2 {
					m := <-met
					partner[m.name] = m.partner
				}
				if partner[odd] != "late" || partner["late"] != odd {
					t.Errorf("the odd one %s met %q and the latecomer met %q", odd, partner[odd], partner["late"])
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
			shutdown(s, l)
			if logged.Len() != 0 {
				t.Errorf("the server logged %q", logged)
			}
		})
	}
}

// pair connects two people and waits until they are chatting.
func pair(t *testing.T, addr, a, b string) (*person, *person) {
	t.Helper()
	pa, pb := join(t, addr, a), join(t, addr, b)
	for _, p := range []*person{pa, pb} {
		if err := p.expect("Found one! Say hi.\n"); err != nil {
			t.Fatal(err)
		}
	}
	return pa, pb
}

// send writes data to p's connection while receive, on the partner, reads
// exactly len(data) bytes and compares them.
func relay(t *testing.T, from, to *person, data []byte) {
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
	r := rand.New(rand.NewPCG(seed, 0))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestChatRelaysEveryByteBothWays(t *testing.T) {
	t.Parallel()
	_, l, _ := tcpServer(t, time.Hour, time.Hour)
	alice, bob := pair(t, l.Addr().String(), "alice", "bob")
	// Both ways at once: neither side's copy waits for the other's.
	var wg sync.WaitGroup
	wg.Go(func() { relay(t, alice, bob, randomBytes(1, 256<<10)) })
	wg.Go(func() { relay(t, bob, alice, randomBytes(2, 256<<10)) })
	wg.Wait()
	relay(t, alice, bob, []byte("hi\n"))
	relay(t, bob, alice, []byte("hello\n"))
}

func TestPartnerLeavingClosesTheOther(t *testing.T) {
	for _, first := range []bool{true, false} {
		t.Run(fmt.Sprintf("first-leaves-%v", first), func(t *testing.T) {
			t.Parallel()
			s, l, logged := tcpServer(t, time.Hour, time.Hour)
			a, b := pair(t, l.Addr().String(), "a", "b")
			leaver, stayer := a, b
			if !first {
				leaver, stayer = b, a
			}
			relay(t, leaver, stayer, []byte("bye\n"))
			leaver.conn.Close()
			if _, err := stayer.r.ReadByte(); err != io.EOF {
				t.Errorf("after %s left, %s read %v, want EOF", leaver.name, stayer.name, err)
			}
			shutdown(s, l)
			if logged.Len() != 0 {
				t.Errorf("a partner leaving is no error, but the server logged %q", logged)
			}
		})
	}
}

func TestChatLogsAnErrorOtherThanLeaving(t *testing.T) {
	t.Parallel()
	s, l, logged := tcpServer(t, time.Hour, time.Hour)
	a, b := pair(t, l.Addr().String(), "a", "b")
	relay(t, a, b, []byte("bye\n"))
	// Closing with linger 0 resets the connection: the server's read fails
	// with "connection reset by peer", not EOF.
	a.conn.(*net.TCPConn).SetLinger(0)
	a.conn.Close()
	if _, err := b.r.ReadByte(); err != io.EOF {
		t.Errorf("after a's reset, b read %v, want EOF", err)
	}
	shutdown(s, l)
	if !strings.Contains(logged.String(), "connection reset by peer") || strings.Count(logged.String(), "\n") != 1 {
		t.Errorf("the server logged %q, want one line about the reset", logged)
	}
}

func TestShutdownEndsEveryChatAndWaitsForTheServersGoroutines(t *testing.T) {
	t.Parallel()
	s, l, logged := tcpServer(t, time.Hour, time.Hour)
	addr := l.Addr().String()
	alice, bob := pair(t, addr, "alice", "bob")
	relay(t, alice, bob, []byte("still here\n"))
	carol := join(t, addr, "carol") // waits alone: no partner, no bot for an hour
	shutdown(s, l)                  // returns once every goroutine the server started is done
	for _, p := range []*person{alice, bob, carol} {
		if _, err := p.r.ReadByte(); err != io.EOF {
			t.Errorf("%s read %v after shutdown, want EOF", p.name, err)
		}
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("the listener still accepts after shutdown")
	}
	if logged.Len() != 0 {
		t.Errorf("closing chats at shutdown is no error, but the server logged %q", logged)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.conns) != 0 {
		t.Errorf("%d connections still tracked after shutdown", len(s.conns))
	}
}

func TestBadInputDoesNotHarmOtherChats(t *testing.T) {
	t.Parallel()
	s, l, logged := tcpServer(t, time.Hour, time.Hour)
	addr := l.Addr().String()
	a, b := pair(t, addr, "a", "b")
	c, d := pair(t, addr, "c", "d")
	var wg sync.WaitGroup
	wg.Go(func() {
		relay(t, a, b, randomBytes(3, 1<<20))                           // a MiB of binary garbage
		relay(t, a, b, append(bytes.Repeat([]byte("x"), 1<<20), '\n'))  // a 1 MiB line
		relay(t, b, a, append(bytes.Repeat([]byte("y "), 1<<19), '\n')) // a MiB of words
	})
	// Meanwhile the other chat goes on, line by line.
	for i := range 20 {
		relay(t, c, d, fmt.Appendf(nil, "line %d\n", i))
		relay(t, d, c, fmt.Appendf(nil, "reply %d\n", i))
	}
	wg.Wait()
	shutdown(s, l)
	if logged.Len() != 0 {
		t.Errorf("the server logged %q", logged)
	}
	s.chain.mu.Lock()
	defer s.chain.mu.Unlock()
	if s.chain.suffixes > maxSuffixes {
		t.Errorf("the chain learned %d words, more than its bound %d", s.chain.suffixes, maxSuffixes)
	}
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
func (l *pipeListener) dial(t *testing.T, name string) *person {
	t.Helper()
	client, srv := net.Pipe()
	l.conns <- srv
	p := &person{t, name, client, bufio.NewReader(client)}
	if err := p.expect("Waiting for a partner..."); err != nil {
		t.Fatal(err)
	}
	return p
}

// greet waits until each of people has heard the greeting. Over net.Pipe a
// write waits for its read, and chat greets its two in an order of its own:
// read them all at once.
func greet(t *testing.T, people ...*person) {
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

func (p *person) say(line string) {
	p.t.Helper()
	if _, err := fmt.Fprintln(p.conn, line); err != nil {
		p.t.Fatalf("%s: %v", p.name, err)
	}
}

func (p *person) line() string {
	p.t.Helper()
	s, err := p.r.ReadString('\n')
	if err != nil {
		p.t.Fatalf("%s: %v", p.name, err)
	}
	return strings.TrimSuffix(s, "\n")
}

func TestBotJoinsAtExactlyWaitAndAnswersAfterItsDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		// An empty chain: whatever the bot says, it learned from carol.
		s := newServer(NewChain(2, 1), 5*time.Second, time.Second, log.New(io.Discard, "", 0))
		l := newPipeListener()
		s.start(l)
		carol := l.dial(t, "carol")
		if err := carol.expect("Found one! Say hi.\n"); err != nil {
			t.Fatal(err)
		}
		if got := time.Since(start); got != 5*time.Second {
			t.Errorf("the bot joined at %v, want exactly -wait, 5s", got)
		}
		carol.say("zebras eat quinces")
		// The bot answers every write: chat's greeting, at 5s, and carol's
		// line, at 5s too. Both answers come at 6s, from what carol taught it.
		for range 2 {
			if got := carol.line(); got != "zebras eat quinces" {
				t.Errorf("the bot said %q, want what carol taught it", got)
			}
			if got := time.Since(start); got != 6*time.Second {
				t.Errorf("the bot answered at %v, want 5s + its delay 1s", got)
			}
		}
		// Two writes, two answers, each a delay after its write.
		carol.say("zebras eat quinces")
		time.Sleep(500 * time.Millisecond)
		carol.say("zebras eat quinces")
		carol.line()
		if got := time.Since(start); got != 7*time.Second {
			t.Errorf("first answer at %v, want 7s", got)
		}
		carol.line()
		if got := time.Since(start); got != 7*time.Second+500*time.Millisecond {
			t.Errorf("second answer at %v, want 7.5s", got)
		}
		carol.conn.Close()
		s.shutdown(l)
	})
}

func TestAPartnerJustBeforeWaitBeatsTheBot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		s := newServer(NewChain(2, 1), 5*time.Second, time.Second, log.New(io.Discard, "", 0))
		l := newPipeListener()
		s.start(l)
		alice := l.dial(t, "alice")
		time.Sleep(5*time.Second - time.Millisecond)
		bob := l.dial(t, "bob")
		greet(t, alice, bob)
		alice.say("hi bob")
		if got := bob.line(); got != "hi bob" {
			t.Errorf("bob heard %q", got)
		}
		if got := time.Since(start); got != 5*time.Second-time.Millisecond {
			t.Errorf("alice and bob met at %v, want 4.999s", got)
		}
		// Past -wait, nothing else happens: the bot's timer has no one to
		// take. The chat goes on.
		time.Sleep(time.Hour)
		bob.say("hi alice")
		if got := alice.line(); got != "hi alice" {
			t.Errorf("alice heard %q", got)
		}
		s.shutdown(l)
	})
}

// slowClose is a server-side connection that is slow to finish: its second
// and later Close take closeDelay (shutdown closes each connection first,
// quickly; the chats' own closes come after), and a Read that fails takes
// readDelay to say so. Each finished Close and each failed Read counts in done, so
// what is still running when shutdown returns shows in virtual time.
type slowClose struct {
	net.Conn
	readDelay  time.Duration
	closeDelay time.Duration
	mu         *sync.Mutex
	closes     *int // this connection's Close calls so far
	done       *int // Close calls and failed Reads finished, on every connection
}

func (c slowClose) Close() error {
	c.mu.Lock()
	again := *c.closes > 0
	*c.closes++
	c.mu.Unlock()
	if again {
		time.Sleep(c.closeDelay)
	}
	c.mu.Lock()
	*c.done++
	c.mu.Unlock()
	return c.Conn.Close()
}

func (c slowClose) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if err != nil {
		time.Sleep(c.readDelay)
		c.mu.Lock()
		*c.done++
		c.mu.Unlock()
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
	s := newServer(newSeededChain(1), 5*time.Second, time.Hour, log.New(io.Discard, "", 0))
	l := newPipeListener()
	l.closeDelay = acceptDelay
	s.start(l)
	var mu sync.Mutex
	done := 0
	dial := func(name string, readDelay time.Duration) *person {
		client, srv := net.Pipe()
		l.conns <- slowClose{srv, readDelay, closeDelay, &mu, new(int), &done}
		p := &person{t, name, client, bufio.NewReader(client)}
		if err := p.expect("Waiting for a partner..."); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// carol meets the bot at 5s and asks; its answer is an hour away.
	carol := dial("carol", 10*time.Millisecond)
	if err := carol.expect("Found one! Say hi.\n"); err != nil {
		t.Fatal(err)
	}
	carol.say("anyone?")
	synctest.Wait() // the bot has heard carol: its answer is pending
	// alice and bob chat; dave waits alone.
	alice, bob := dial("alice", 20*time.Millisecond), dial("bob", 30*time.Millisecond)
	greet(t, alice, bob)
	// dave waits alone. When shutdown closes quit, his matcher closes him
	// and forgets him, before or after shutdown lists the connections to
	// close: a race, so his connection is a plain one, neither slow nor
	// counted. (As a slowClose it once made shutdown's time and count vary.)
	dave := l.dial(t, "dave")
	start := time.Now()
	s.shutdown(l)
	elapsed := time.Since(start)
	mu.Lock()
	n := done
	mu.Unlock()
	// shutdown closes carol, alice and bob, and each chat's copies fail to
	// read: carol's after 10ms, alice's after 20ms, bob's after 30ms.
	// carol's chat then closes carol and the bot, alice's closes alice and
	// bob: three failed reads and six closes, all done before shutdown
	// returns.
	if n != 9 {
		t.Errorf("%d reads and closes done when shutdown returned, want 9", n)
	}
	// The bot's answer, an hour away, is dropped, not waited for.
	if elapsed != want {
		t.Errorf("shutdown took %v, want %v", elapsed, want)
	}
	for _, p := range []*person{alice, bob, carol, dave} {
		if _, err := p.r.ReadByte(); err != io.EOF {
			t.Errorf("%s read %v after shutdown, want EOF", p.name, err)
		}
	}
}

func TestAConnectionAcceptedDuringShutdownIsClosedAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServer(newSeededChain(1), time.Hour, time.Hour, log.New(io.Discard, "", 0))
		l := newPipeListener()
		l.acceptDelay = time.Millisecond // Accept returns a moment after shutdown began
		s.start(l)
		client, srv := net.Pipe()
		l.conns <- srv
		heard := make(chan error)
		go func() {
			_, err := client.Read(make([]byte, 1))
			heard <- err
		}()
		s.shutdown(l)
		if err := <-heard; err != io.EOF {
			t.Errorf("the late connection read %v, want EOF: the server closed it without a word", err)
		}
	})
}

func TestChatFeedsTheChainWithWhatPeopleType(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		chain := NewChain(2, 1)
		s := newServer(chain, time.Hour, time.Second, log.New(io.Discard, "", 0))
		l := newPipeListener()
		s.start(l)
		alice := l.dial(t, "alice")
		bob := l.dial(t, "bob")
		greet(t, alice, bob)
		alice.say("gophers dig tunnels")
		if got := bob.line(); got != "gophers dig tunnels" {
			t.Errorf("bob heard %q", got)
		}
		if got := chain.Generate(10); got != "gophers dig tunnels" {
			t.Errorf("the chain generates %q, want what alice typed", got)
		}
		s.shutdown(l)
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
	if got := c.Generate(0); got != "" {
		t.Errorf("Generate(0) = %q", got)
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
		first := strings.Fields(c.Generate(10))[0]
		if !starts[first] {
			t.Fatalf("a sentence starts with %q, not the first word of a line", first)
		}
	}
	if len(c.chain[" "]) != strings.Count(seedText, "\n")+1 {
		t.Errorf("%d sentence starts learned, want one per line", len(c.chain[" "]))
	}
}

func TestChainStopsLearningAtItsBound(t *testing.T) {
	c := NewChain(2, 1)
	words := bytes.Repeat([]byte("w "), maxSuffixes+10)
	c.Write(words)
	if c.suffixes != maxSuffixes {
		t.Errorf("the chain holds %d words, want its bound %d", c.suffixes, maxSuffixes)
	}
	c = NewChain(2, 1)
	c.Write(bytes.Repeat([]byte("w "), maxSuffixes))
	if c.suffixes != maxSuffixes {
		t.Errorf("the chain holds %d words, want all %d", c.suffixes, maxSuffixes)
	}
}

func TestChainIsSafeForConcurrentUse(t *testing.T) {
	c := newSeededChain(1)
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
	if c.suffixes != 100*8*4+countWords(seedText) {
		t.Errorf("%d words learned, want %d", c.suffixes, 100*8*4+countWords(seedText))
	}
}

func countWords(s string) int { return len(strings.Fields(s)) }

func TestClosedByUs(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{net.ErrClosed, true},
		{fmt.Errorf("read: %w", net.ErrClosed), true},
		{io.ErrClosedPipe, true},
		{io.EOF, false},
		{errors.New("connection reset by peer"), false},
	} {
		if got := closedByUs(tc.err); got != tc.want {
			t.Errorf("closedByUs(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// BenchmarkMatchAndChat measures pairing two connections through the partner
// channel, relaying one line and ending the chat, over net.Pipe.
func BenchmarkMatchAndChat(b *testing.B) {
	s := newServer(NewChain(2, 1), time.Hour, time.Hour, log.New(io.Discard, "", 0))
	line := []byte("hello\n")
	buf := make([]byte, len("Waiting for a partner...Found one! Say hi.\n")+len(line))
	for b.Loop() {
		a, sa := net.Pipe()
		c, sc := net.Pipe()
		s.wg.Go(func() { s.match(s.socket(sa)) })
		s.wg.Go(func() { s.match(s.socket(sc)) })
		greeted := make(chan struct{})
		go func() {
			io.ReadFull(c, buf[:len(buf)-len(line)]) // c's greeting, whichever order chat writes them
			close(greeted)
		}()
		io.ReadFull(a, buf[:len(buf)-len(line)])
		<-greeted
		go a.Write(line)
		io.ReadFull(c, buf[:len(line)])
		a.Close() // c's chat ends: the server closes c
		io.Copy(io.Discard, c)
	}
	s.wg.Wait()
}

// BenchmarkChainWrite measures what feeding the chain costs per typed
// kilobyte of words, once the chain is full (the steady state of a long-lived
// server) and while it learns.
func BenchmarkChainWrite(b *testing.B) {
	text := bytes.Repeat([]byte("gophers dig tunnels "), 50) // 1000 bytes
	b.Run("learning", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			c := NewChain(2, 1)
			c.Write(text)
		}
	})
	b.Run("full", func(b *testing.B) {
		c := NewChain(2, 1)
		for c.suffixes < maxSuffixes {
			c.Write(text)
		}
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			c.Write(text)
		}
	})
}
