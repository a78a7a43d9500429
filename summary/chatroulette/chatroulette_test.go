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
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"
)

// safetyNet bounds how long a test over TCP waits for an event: a hang fails
// instead of stalling the run. No assertion depends on it.
const safetyNet = 10 * time.Second

// tcpServer starts a server with c's durations on an ephemeral 127.0.0.1
// port and hands the test each connection it accepts, as a tap (see
// tapListener for readUntil). stop shuts the server down, once (the test's
// cleanup calls it too), and returns what it logged.
func tcpServer(t *testing.T, c config, readUntil int) (s *server, addr string, taps chan *tap, stop func() string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer // read once shutdown has waited for every writer
	s = newServer(NewChain(2, 1), c, log.New(&logged, "", 0))
	taps = make(chan *tap, 1000)
	tl := tapListener{l, taps, readUntil}
	s.start(tl)
	stop = sync.OnceValue(func() string {
		s.shutdown(tl)
		return logged.String()
	})
	t.Cleanup(func() { stop() })
	return s, l.Addr().String(), taps, stop
}

// A tapListener hands the server each connection it accepts wrapped in a
// tap, and the test the same tap on taps.
type tapListener struct {
	net.Listener
	taps      chan *tap
	readUntil int
}

func (l tapListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &tap{Conn: c, closed: make(chan struct{}), until: l.readUntil, back: make(chan struct{}), stuck: make(chan struct{})}
	l.taps <- tc
	return tc, nil
}

// A tap is a server-side connection that tells the test what the server does
// with it: closed is closed when the server closes it, back when the server
// comes back to read after having read until bytes (0: never), and stuck once
// one of the server's writes to it has waited stuckAfter. Until back, each
// Read returns at most one byte.
type tap struct {
	net.Conn
	closeOnce   sync.Once
	closed      chan struct{}
	read, until int // only the server's one copy from this connection reads
	back        chan struct{}
	stuckOnce   sync.Once
	stuck       chan struct{}
}

// stuckAfter is how long a write must wait before a tap calls it stuck: far
// longer than any write to a socket with room takes, even on a loaded machine.
const stuckAfter = 500 * time.Millisecond

func (c *tap) Write(p []byte) (int, error) {
	t := time.AfterFunc(stuckAfter, func() { c.stuckOnce.Do(func() { close(c.stuck) }) })
	defer t.Stop()
	return c.Conn.Write(p)
}

func (c *tap) Read(p []byte) (int, error) {
	if c.until > 0 && c.read >= c.until {
		close(c.back)
		c.until = 0
	}
	if c.until > 0 {
		p = p[:min(len(p), 1)]
	}
	n, err := c.Conn.Read(p)
	c.read += n
	return n, err
}

func (c *tap) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// await fails the test unless ch is closed within the safety net.
func await(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(safetyNet):
		t.Fatalf("%s: still waiting after %v", what, safetyNet)
	}
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
			_, addr, _, stop := tcpServer(t, config{wait: time.Hour, delay: time.Hour}, 0)
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
	s, addr, _, stop := tcpServer(t, config{wait: time.Hour, delay: time.Hour}, 0)
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
			_, addr, _, stop := tcpServer(t, config{wait: time.Hour, delay: time.Hour}, 0)
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

// TestAClientThatStopsReadingEndsItsChat is the case the write timeout is
// for: bob stops reading, alice writes until everything between them is
// full, then leaves. In the talk the server's write to bob would wait
// forever and the chat, with both sockets, would never end. Run with -v to
// see how long it takes to end.
func TestAClientThatStopsReadingEndsItsChat(t *testing.T) {
	t.Parallel()
	const writeTimeout = time.Second
	_, addr, taps, stop := tcpServer(t, config{wait: time.Hour, delay: time.Hour, writeTimeout: writeTimeout}, 0)
	alice, _ := pair(t, addr, "alice", "bob")
	a, b := <-taps, <-taps
	// The sockets on the way buffer megabytes: alice writes until the
	// server's write to bob is stuck, so that it no longer reads from her.
	go func() {
		chunk := make([]byte, 64<<10)
		for {
			if _, err := alice.conn.Write(chunk); err != nil {
				return // alice has left
			}
		}
	}()
	await(t, b.stuck, "the server's write to bob getting stuck")
	alice.conn.Close()
	left := time.Now()
	await(t, a.closed, "the server closing alice")
	await(t, b.closed, "the server closing bob")
	t.Logf("the chat ended %v after alice left (-writetimeout %v; bob has read nothing)", time.Since(left).Round(time.Millisecond), writeTimeout)
	if logged := stop(); !strings.Contains(logged, "i/o timeout") {
		t.Errorf("the server logged %q, want the write's timeout", logged)
	}
}

// TestABotKeepsOneGoroutineHoweverOftenItIsWritten has the server read
// carol one byte at a time, so her 20,000 bytes reach her bot as 20,000
// writes, while its answer is an hour away. In the talk each write started a
// goroutine that slept before answering. Run with -v to see the server's
// goroutines after the writes and the process's memory before and after.
func TestABotKeepsOneGoroutineHoweverOftenItIsWritten(t *testing.T) {
	// Not parallel: it measures the whole process's memory.
	const writes = 20_000
	_, addr, taps, _ := tcpServer(t, config{wait: time.Millisecond, delay: time.Hour}, writes)
	carol := join(t, addr, "carol")
	hear(t, carol, "Found one! Say hi.\n") // the bot, after -wait
	tc := <-taps
	mem := inUse()
	if _, err := carol.conn.Write(bytes.Repeat([]byte("x"), writes)); err != nil {
		t.Fatal(err)
	}
	await(t, tc.back, "the server reading all of carol's bytes")
	goroutines, memAfter := chatGoroutines(), inUse()
	t.Logf("after %d one-byte writes to a bot: the server runs %d goroutines; heap and stacks in use %.1f MiB before the writes, %.1f MiB after",
		writes, goroutines, float64(mem)/(1<<20), float64(memAfter)/(1<<20))
	if goroutines != 5 {
		t.Errorf("the server runs %d goroutines, want 5: accept loop, carol's matcher, two copies, the bot's speaker", goroutines)
	}
}

// chatGoroutines returns how many goroutines are running this package's
// code, not counting the tests' own.
func chatGoroutines() int {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	n := 0
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		if bytes.Contains(g, []byte("summary/chatroulette.")) && !bytes.Contains(g, []byte("summary/chatroulette.Test")) {
			n++
		}
	}
	return n
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
	s := newServer(NewChain(2, 1), c, log.New(io.Discard, "", 0))
	l := newPipeListener()
	s.start(l)
	return s, l
}

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
		// the first. The bot still has one goroutine.
		goroutines := bubbled()
		for i := range 1000 {
			say(t, carol, "zebras eat quinces")
			if i == 0 {
				time.Sleep(time.Millisecond)
			}
		}
		if n := bubbled(); n != goroutines {
			t.Errorf("%d goroutines in the bubble after a thousand writes, %d before", n, goroutines)
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
		s.shutdown(l)
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
		s.shutdown(l)
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
		s.shutdown(l)
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
				s.shutdown(l)
			})
		})
	}
}

// slowClose is a server-side connection that is slow to finish: its second
// and later Close take closeDelay (shutdown closes each connection first,
// quickly; the chats' own closes come after), and a Read that fails takes
// readDelay to say so.
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
	if err != nil {
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
	s := newServer(newSeededChain(1), config{wait: 5 * time.Second, delay: time.Hour}, log.New(&logged, "", 0))
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
	start := time.Now()
	s.shutdown(l)
	// shutdown closes carol, alice and bob, and each chat's copies fail to
	// read: carol's after 10ms, alice's after 20ms, bob's after 30ms. Then
	// carol's chat closes carol and the bot, alice's closes alice and bob.
	// The bot's answer, an hour away, is dropped, not waited for.
	if elapsed := time.Since(start); elapsed != want {
		t.Errorf("shutdown took %v, want %v", elapsed, want)
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
		s.shutdown(l)
		if err := <-heard; err != io.EOF {
			t.Errorf("the late connection read %v, want EOF: the server closed it without a word", err)
		}
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
	s := newServer(NewChain(2, 1), config{wait: time.Hour, delay: time.Hour}, log.New(io.Discard, "", 0))
	const greeting = "Waiting for a partner...Found one! Say hi.\n"
	line := []byte("hello\n")
	for b.Loop() {
		a, sa := net.Pipe()
		c, sc := net.Pipe()
		s.wg.Go(func() { s.match(s.socket(sa)) })
		s.wg.Go(func() { s.match(s.socket(sc)) })
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
