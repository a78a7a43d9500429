// Chatroulette pairs strangers on a TCP server: each connection waits for a
// partner, two meet through one unbuffered channel, and everything one types
// reaches the other; if nobody comes, a Markov-chain bot keeps them company.
//
// Slides: "\"Chat roulette\"", "Design", "Modifying echo to create chat",
// "The matcher", "The conversation", "Error handling", "Adding a socket
// type", "Relieving loneliness", "Generating text with markov chains",
// "Feeding the chain", "The markov bot", "Integrating the markov bot", "TCP
// and HTTP at the same time" (Andrew Gerrand, Go: code that grows with grace,
// 2012); Go Concurrency Patterns names the program among its "More party
// tricks".
//
// What to notice: match offers its connection on the partner channel and, in
// the same select, tries to take one from it. The channel is unbuffered, so
// the first to come waits in its select until a second comes: one of the two
// hands its connection over, the other takes it and runs chat, and nobody
// keeps a list of who is waiting. chat copies each way in its own goroutine
// and ends the conversation at the first copy to stop, closing both. After
// -wait alone, a third case of the same select pairs the connection with
// Bot, an io.ReadWriteCloser like any other, so chat needs no change.
//
// The default run is a scripted demo on a loopback port: alice and bob meet,
// then carol waits alone and gets the bot. With -listen it is a real server
// until Ctrl-C that logs each step of the matcher: try two or three nc clients.
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"sync"
	"time"
)

// A server is one chat roulette: the partner channel where connections meet,
// the bot's chain, and the bookkeeping that lets it stop.
type server struct {
	// Changed: partner, the chain, the talk's durations and the log are
	// fields of a server instead of package variables and constants, so each
	// server (and each test) has its own.
	partner chan io.ReadWriteCloser // unbuffered: a hand-over needs a taker
	chain   *Chain                  // the bots speak from it; every chat feeds it
	config                          // wait (the talk's 5s), delay (its 1s), limits
	log     *log.Logger
	events  bool // log each event of the matcher, not only errors

	// Changed: what lets the server stop, which the talk's never does.
	quit     chan struct{}  // closed by shutdown: waiting matchers give up
	wg       sync.WaitGroup // every goroutine the server starts
	mu       sync.Mutex     // guards conns and stopping
	conns    map[net.Conn]bool
	stopping bool // set by shutdown; a connection accepted after it is closed at once
}

// newServer returns a server whose bots speak from chain.
func newServer(chain *Chain, c config, logger *log.Logger) *server {
	return &server{
		partner: make(chan io.ReadWriteCloser),
		chain:   chain,
		config:  c,
		log:     logger,
		quit:    make(chan struct{}),
		conns:   make(map[net.Conn]bool),
	}
}

// serve is the talk's main after net.Listen: accept each connection and
// match it in its own goroutine. It returns when l is closed.
func (s *server) serve(l net.Listener) {
	// Changed: the talk's log.Fatal on any Accept error. Errors that pass
	// (too many open files, a connection reset before it was accepted) are
	// retried after a pause that starts at 5ms and doubles up to 1s, as
	// net/http's server does; only a closed listener (shutdown) ends serve.
	var pause time.Duration
	accepted := 0
	for {
		c, err := l.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			pause = min(max(2*pause, 5*time.Millisecond), time.Second)
			s.log.Printf("accept: %v; trying again in %v", err, pause)
			select {
			case <-time.After(pause):
			case <-s.quit:
				return
			}
			continue
		}
		pause = 0
		accepted++
		n := accepted // the connection's number, for the log
		switch s.track(c) {
		case errStopping: // Changed: accepted while stopping.
			c.Close()
			continue
		case errFull: // Changed: at most maxConns served at once.
			s.event("connection %d turned away: -maxconns %d are here", n, s.maxConns)
			s.wg.Go(func() { turnAway(c, s.writeTimeout) })
			continue
		}
		// Changed: the talk's both/chat.go calls match(c) on the bare TCP
		// connection, so what TCP clients type never feeds the chain; here
		// every connection is a socket, whose reads feed it. The goroutine
		// is counted so that shutdown can wait for it.
		s.wg.Go(func() { s.match(s.socket(c, n)) })
	}
}

// turnAway tells c, one connection too many, to come back later, and closes
// it.
func turnAway(c net.Conn, writeTimeout time.Duration) {
	c.SetWriteDeadline(time.Now().Add(writeTimeout))
	fmt.Fprintln(c, "Too many people here right now; try again later.")
	c.Close()
}

// match waits for a partner: it either hands c over to a goroutine that is
// waiting, or takes a waiting connection and chats with it, or, after
// s.wait alone, chats with a bot. (Changed: c is a socket, the talk's any
// io.ReadWriteCloser, so that the select can hear c's client hang up.)
func (s *server) match(c socket) {
	// Changed: with -listen, s.event logs each step of match, so a reader
	// can watch its select work; the demo prints what its clients hear.
	s.event("%v waiting", c)
	fmt.Fprint(c, "Waiting for a partner...")
	select {
	case s.partner <- c:
		// now handled by the other goroutine
	case p := <-s.partner:
		s.event("%v took %v from the partner channel", c, p)
		s.chat(p, c)
	case <-time.After(s.wait):
		s.event("the bot joined %v", c)
		s.chat(s.Bot(), c)
	case <-s.quit: // Changed: the server is stopping.
		c.Close()
	case <-c.gone: // Changed: c hung up while waiting: it is nobody's partner.
		s.event("%v left", c)
		c.Close()
	}
}

// chat greets both, then copies each way until either side stops, and closes
// both.
func (s *server) chat(a, b io.ReadWriteCloser) {
	fmt.Fprintln(a, "Found one! Say hi.")
	fmt.Fprintln(b, "Found one! Say hi.")
	// Buffered: the second copy to stop sends its error after chat has
	// stopped listening, and must not block.
	errc := make(chan error, 1)
	s.wg.Go(func() { cp(a, b, errc) }) // Changed: both copies are counted.
	s.wg.Go(func() { cp(b, a, errc) })
	// Changed: no log line when this side closed the connection (closedByUs).
	if err := <-errc; err != nil && !closedByUs(err) {
		s.log.Println(err)
	}
	a.Close() // the other copy's Read or Write now fails, so it ends too
	b.Close()
}

// cp copies r to w until r ends or either fails, then reports why.
func cp(w io.Writer, r io.Reader, errc chan<- error) {
	_, err := io.Copy(w, r)
	errc <- err
}

// Bot returns an io.ReadWriteCloser that answers what is written to it with
// a generated sentence: one answer, a delay after the first write it has not
// answered yet.
func (s *server) Bot() io.ReadWriteCloser {
	r, out := io.Pipe() // for outgoing data
	b := bot{r, out, s, make(chan struct{}, 1), make(chan struct{})}
	s.wg.Go(b.speaker) // the bot's one goroutine, however often it is written to
	return b
}

type bot struct {
	io.ReadCloser
	out io.Writer

	s       *server       // the chain, the delay and the WaitGroup
	written chan struct{} // room for one signal: a write not answered yet
	closed  chan struct{} // closed by Close
}

// Write tells the bot's speaker that there is something to answer. (What the
// human types has already fed the chain, on its way here through the human's
// socket.)
func (b bot) Write(buf []byte) (int, error) {
	// Changed: a signal to the bot's one speaker instead of the talk's
	// go b.speak(), which started a goroutine, sleeping a second, per write.
	select {
	case b.written <- struct{}{}:
	default: // a signal is already waiting: its answer will do for this write too
	}
	return len(buf), nil
}

// speaker is the bot's one goroutine: it speaks once for each signal from
// Write, until the bot is closed.
func (b bot) speaker() {
	for {
		select {
		case <-b.written:
			b.speak()
		case <-b.closed:
			return
		}
	}
}

func (b bot) speak() {
	select { // Changed: the talk's time.Sleep(time.Second), stopped by Close.
	case <-time.After(b.s.delay):
	case <-b.closed:
		return
	}
	select { // Changed: the writes that came during the pause share this answer.
	case <-b.written:
	default:
	}
	msg := b.s.chain.Generate(10) // at most 10 words
	// Changed: a newline, for a terminal.
	b.out.Write([]byte(msg + "\n"))
}

// Close ends the bot: its reader, its speaker and any answer it was about to
// give. (Changed: the talk's bot had only its reader's Close. chat closes
// each connection once, so closed is closed once.)
func (b bot) Close() error {
	close(b.closed)
	return b.ReadCloser.Close()
}

// socket is a connection as match sees it: what is read from it also feeds
// the chain (the talk's "Feeding the chain", where an io.Copy into an
// io.MultiWriter and an io.Pipe do what io.TeeReader does here), and closing
// it lets the server forget it.
type socket struct {
	io.Reader
	io.Writer
	// Changed: the talk's third field is done, which Close signals so that
	// a websocket's handler returns; a TCP connection has no handler to keep
	// running, so close forgets the connection and closes it. n numbers it
	// for the log, and gone is closed if its client hangs up while waiting.
	close func() error
	n     int
	gone  <-chan struct{}
}

func (c socket) Close() error   { return c.close() }
func (c socket) String() string { return fmt.Sprintf("connection %d", c.n) }

// socket wraps c, the n-th connection accepted, so that everything read from
// it is written to the chain, and starts watching it while it waits.
func (s *server) socket(c net.Conn, n int) socket {
	w := &watched{
		timed: timed{c, s.idle, s.writeTimeout},
		s:     s, n: n,
		gone:  make(chan struct{}),
		done:  make(chan struct{}),
		typed: make([]byte, 0, maxTyped),
	}
	s.wg.Go(w.watch)
	return socket{io.TeeReader(w, s.chain), w, func() error {
		s.forget(c)
		return c.Close()
	}, n, w.gone}
}

// maxTyped is how much a client may type while it waits for a partner and
// the server still reads it: a client who types more waits, unread, as in
// the talk, and a hang-up after that is noticed only once the chat begins.
const maxTyped = 4 << 10

// watched is a connection whose client may hang up while it waits for a
// partner. Changed: in the talk nothing reads a waiting connection, so a
// client who leaves while "Waiting for a partner..." becomes the next
// client's partner, who hears "Found one! Say hi." and then the end.
type watched struct {
	timed
	s     *server // for the log
	n     int
	gone  chan struct{} // closed by watch when the client hangs up
	done  chan struct{} // closed when watch returns
	typed []byte        // what the client typed while waiting; read first
	stop  sync.Once
}

// watch reads the connection until the first Read of the chat stops it (or
// until maxTyped bytes are read, or the connection is closed), keeping what
// it reads, and closes gone if the client hangs up meanwhile.
func (w *watched) watch() {
	defer close(w.done)
	for len(w.typed) < cap(w.typed) {
		n, err := w.Conn.Read(w.typed[len(w.typed):cap(w.typed)])
		w.typed = w.typed[:len(w.typed)+n]
		if err != nil {
			if !errors.Is(err, os.ErrDeadlineExceeded) && !closedByUs(err) {
				close(w.gone)
			}
			return
		}
	}
}

// Read stops the watch the first time (the chat has begun), then returns what
// the client typed while waiting before reading on.
func (w *watched) Read(p []byte) (int, error) {
	w.stop.Do(func() {
		w.Conn.SetReadDeadline(time.Unix(1, 0)) // passed: the watch's Read ends at once
		<-w.done
		w.Conn.SetReadDeadline(time.Time{})
	})
	if len(w.typed) > 0 {
		n := copy(p, w.typed)
		if w.typed = w.typed[n:]; len(w.typed) == 0 {
			w.typed = nil // all read: let the buffer go
		}
		return n, nil
	}
	n, err := w.timed.Read(p)
	if err == io.EOF {
		w.s.event("connection %d left", w.n)
	}
	return n, err
}

// timed gives each Read and each Write on a connection a deadline of its
// own, read or write from the moment it starts (0: none). Changed: the talk
// has no deadlines, so a client that stops reading blocks the copy towards
// it for good, and its chat, both people's goroutines and sockets with it.
type timed struct {
	net.Conn
	read, write time.Duration
}

func (t timed) Read(p []byte) (int, error) {
	if t.read > 0 {
		t.SetReadDeadline(time.Now().Add(t.read))
	}
	return t.Conn.Read(p)
}

func (t timed) Write(p []byte) (int, error) {
	if t.write > 0 {
		t.SetWriteDeadline(time.Now().Add(t.write))
	}
	return t.Conn.Write(p)
}

// closedByUs reports whether err only says that a connection was closed on
// this side: by chat itself or by shutdown.
func closedByUs(err error) bool {
	return errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrClosedPipe)
}

var (
	errStopping = errors.New("the server is stopping")
	errFull     = errors.New("maxConns connections are here")
)

// track records an accepted connection so shutdown can close it, unless the
// server is stopping or already serves maxConns connections.
func (s *server) track(c net.Conn) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return errStopping
	}
	if len(s.conns) >= s.maxConns {
		return errFull
	}
	s.conns[c] = true
	return nil
}

func (s *server) forget(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
}

// shutdown stops the server started with serve(l): no new connections, every
// waiter and every chat ends, and it returns once every goroutine the server
// started is done.
func (s *server) shutdown(l net.Listener) {
	l.Close()     // serve's Accept fails, so serve returns
	close(s.quit) // waiting matchers give up
	s.mu.Lock()
	s.stopping = true
	conns := make([]net.Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.Close() // each chat's copy from c fails: chat closes both and returns
	}
	s.wg.Wait()
}

// event logs one line of what the matcher does, with -listen only.
func (s *server) event(format string, args ...any) {
	if s.events {
		s.log.Printf(format, args...)
	}
}

// start serves l in a goroutine of the server's own.
func (s *server) start(l net.Listener) {
	s.wg.Go(func() { s.serve(l) })
}
