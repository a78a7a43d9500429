// Chatroulette pairs strangers on a TCP server: each connection waits for a
// partner, two are matched through one unbuffered channel, and everything one
// types reaches the other; if nobody comes, a Markov-chain bot keeps them
// company.
//
// Slides: "An echo server", "A concurrent echo server", "\"Chat roulette\"",
// "Design", "The matcher", "The conversation", "Error handling", "Relieving
// loneliness", "The markov bot", "Integrating the markov bot" (Andrew
// Gerrand, Go: code that grows with grace, 2012); Go Concurrency Patterns
// names it among its "More party tricks".
//
// What to notice: the server accepts each connection into its own goroutine
// running match. match offers its connection on the partner channel and, in
// the same select, tries to take one from it. The channel is unbuffered, so a
// hand-over needs two goroutines at once: the first to come waits, the second
// takes it and runs chat; the one whose connection was taken is done. Nobody
// keeps a list of who is waiting: the channel is the meeting point. chat
// copies each way in its own goroutine and ends the conversation at the first
// copy to stop, closing both connections. After -wait alone, a third case of
// the same select pairs the connection with Bot, an io.ReadWriteCloser like
// any other, so chat needs no change: the bot answers each write (chat's
// own greeting included), a -delay later, with text from a Markov chain that
// learns from everything typed.
//
// Changed from the talk:
//   - partner is a field of a server value instead of a package variable, so
//     each test has its own; the wait, the bot's delay, the chain and the log
//     are fields too (the talk's 5s, 1s, package chain and log package), so
//     match, chat and Bot are the server's methods.
//   - the server can stop: shutdown closes the listener, closes quit (a case
//     in match's select, so a lone waiter gives up) and every connection (so
//     every chat ends), then waits for the server's goroutines, each of them
//     counted in a sync.WaitGroup: accept loop, matchers, copiers and the
//     bot's speakers. The talk's server ran until killed.
//   - the talk's bot lives in its web and "both" versions; here it joins the
//     TCP server. Text read from a connection feeds the chain through an
//     io.TeeReader (the web version copies it through an io.Pipe), and the
//     bot's message ends with a newline, for a terminal.
//   - a bot stops a pending answer when its chat ends instead of sleeping on,
//     so shutdown need not wait out the delay.
//   - chat does not log an error that only says the server closed the
//     connection itself (net.ErrClosed, io.ErrClosedPipe): that is how chats
//     end at shutdown, not a fault.
//   - the chain (markov.go) learns at most maxSuffixes words, splits words
//     with bytes.Fields under one lock per write (the codewalk's fmt.Fscan,
//     word by word, took seconds over a megabyte typed into one chat), and
//     chooses with its own seeded random source, so -seed replays the bot.
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"time"
)

// A server is one chat roulette: the partner channel where connections meet,
// the bot's chain, and the bookkeeping that lets it stop.
type server struct {
	partner  chan io.ReadWriteCloser // unbuffered: a hand-over needs a taker
	chain    *Chain                  // learns from everything typed; the bots speak from it
	wait     time.Duration           // how long match waits before the bot joins (the talk's 5s)
	botDelay time.Duration           // how long a bot waits before it answers (the talk's 1s)
	log      *log.Logger

	quit  chan struct{}  // closed by shutdown: waiting matchers give up
	wg    sync.WaitGroup // every goroutine the server starts
	mu    sync.Mutex     // guards conns and stopping
	conns map[net.Conn]bool
	// stopping is set by shutdown; a connection accepted after it is closed at once.
	stopping bool
}

// newServer returns a server whose bots speak from chain.
func newServer(chain *Chain, wait, botDelay time.Duration, logger *log.Logger) *server {
	return &server{
		partner:  make(chan io.ReadWriteCloser),
		chain:    chain,
		wait:     wait,
		botDelay: botDelay,
		log:      logger,
		quit:     make(chan struct{}),
		conns:    make(map[net.Conn]bool),
	}
}

// serve is the talk's main after net.Listen: accept each connection and
// match it in its own goroutine. It returns when l is closed.
func (s *server) serve(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil { // Changed: the talk's log.Fatal; shutdown closes l.
			if !errors.Is(err, net.ErrClosed) {
				s.log.Println(err)
			}
			return
		}
		if !s.track(c) { // Changed: accepted while stopping.
			c.Close()
			continue
		}
		s.wg.Go(func() { s.match(s.socket(c)) }) // Changed: counted; socket feeds the chain.
	}
}

// match waits for a partner: it either hands c over to a goroutine that is
// waiting, or takes a waiting connection and chats with it, or, after
// s.wait alone, chats with a bot.
func (s *server) match(c io.ReadWriteCloser) {
	fmt.Fprint(c, "Waiting for a partner...")
	select {
	case s.partner <- c:
		// now handled by the other goroutine
	case p := <-s.partner:
		s.chat(p, c)
	case <-time.After(s.wait): // Changed: s.wait, the talk's 5 * time.Second.
		s.chat(s.Bot(), c)
	case <-s.quit: // Changed: the server is stopping.
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
	// Changed: both copies are counted in the server's WaitGroup.
	s.wg.Go(func() { cp(a, b, errc) })
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

// Bot returns an io.ReadWriteCloser that responds to each incoming write
// with a generated sentence.
func (s *server) Bot() io.ReadWriteCloser {
	r, out := io.Pipe() // for outgoing data
	// Changed: the server, and a channel that Close closes.
	return bot{r, out, s, make(chan struct{})}
}

type bot struct {
	io.ReadCloser
	out io.Writer

	s      *server       // Changed: the bot's chain, delay and WaitGroup.
	closed chan struct{} // Changed: closed by Close, so a pending answer stops.
}

// Write answers every write, a delay later. (What the human types has
// already fed the chain, on its way here through the human's socket.)
func (b bot) Write(buf []byte) (int, error) {
	// Changed: counted. (speak returns the moment its bot is closed, which
	// chat does before it returns, so in practice the Wait never finds one
	// running; counting makes that a guarantee. No test can tell the two.)
	b.s.wg.Go(b.speak)
	return len(buf), nil
}

func (b bot) speak() {
	select { // Changed: the talk's time.Sleep(time.Second), stopped by Close.
	case <-time.After(b.s.botDelay):
	case <-b.closed:
		return
	}
	msg := b.s.chain.Generate(10) // at most 10 words; Changed: the server's chain.
	// Changed: a newline, for a terminal.
	b.out.Write([]byte(msg + "\n"))
}

// Close ends the bot: its reader, and any answer it was about to give.
// (Changed: the talk's bot had only its reader's Close. chat closes each
// connection once, so closed is closed once.)
func (b bot) Close() error {
	close(b.closed)
	return b.ReadCloser.Close()
}

// socket is a connection as match sees it: what is read from it also feeds
// the chain ("Feeding the chain"), and closing it lets the server forget it.
type socket struct {
	io.Reader
	io.Writer
	close func() error
}

func (s socket) Close() error { return s.close() }

// socket wraps c so that everything read from it is written to the chain.
func (s *server) socket(c net.Conn) socket {
	return socket{io.TeeReader(c, s.chain), c, func() error {
		s.forget(c)
		return c.Close()
	}}
}

// closedByUs reports whether err only says that a connection was closed on
// this side: by chat itself or by shutdown.
func closedByUs(err error) bool {
	return errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrClosedPipe)
}

// track records an accepted connection so shutdown can close it; it reports
// false if the server is already stopping.
func (s *server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return false
	}
	s.conns[c] = true
	return true
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

// start serves l in a goroutine of the server's own.
func (s *server) start(l net.Listener) {
	s.wg.Go(func() { s.serve(l) })
}
