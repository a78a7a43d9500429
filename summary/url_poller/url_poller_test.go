package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// ms is n milliseconds.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// An answer is what a fake server does with one HEAD request.
type answer struct {
	latency time.Duration
	status  string // the response's status, if err is nil
	err     error  // a connection error
}

// fakeHead answers each URL's requests with its answers in turn (the last one
// again and again), after their latency or as soon as ctx is done. It records
// when each request for each URL started, since start.
type fakeHead struct {
	mu      sync.Mutex
	start   time.Time
	answers map[string][]answer
	calls   map[string][]time.Duration
	bodies  []*body
}

func newFakeHead(answers map[string][]answer) *fakeHead {
	return &fakeHead{start: time.Now(), answers: answers, calls: map[string][]time.Duration{}}
}

func (f *fakeHead) head(ctx context.Context, url string) (*http.Response, error) {
	f.mu.Lock()
	n := len(f.calls[url])
	f.calls[url] = append(f.calls[url], time.Since(f.start))
	as := f.answers[url]
	a := as[min(n, len(as)-1)]
	f.mu.Unlock()
	select {
	case <-time.After(a.latency):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if a.err != nil {
		return nil, a.err
	}
	body := &body{}
	f.mu.Lock()
	f.bodies = append(f.bodies, body)
	f.mu.Unlock()
	return &http.Response{Status: a.status, Body: body}, nil
}

// body is an empty response body that records whether it was closed.
type body struct {
	mu     sync.Mutex
	closed bool
}

func (b *body) Read([]byte) (int, error) { return 0, io.EOF }

func (b *body) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return nil
}

// allClosed reports whether every response body handed out has been closed.
func (f *fakeHead) allClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, b := range f.bodies {
		b.mu.Lock()
		closed := b.closed
		b.mu.Unlock()
		if !closed {
			return false
		}
	}
	return true
}

func (f *fakeHead) times(url string) []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls[url])
}

var errRefused = errors.New("connection refused")

func TestPollPollsOnScheduleReportsAndStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeHead(map[string][]answer{
			"http://ok/":      {{status: "200 OK"}},
			"http://slow/":    {{latency: ms(20), status: "200 OK"}},
			"http://missing/": {{status: "404 Not Found"}},
			"http://refused/": {{err: errRefused}, {err: errRefused}, {status: "200 OK"}},
		})
		var out bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), ms(950))
		defer cancel()
		start := time.Now()
		done := make(chan struct{})
		go func() {
			poll(ctx, log.New(newStampWriter(&out), "", 0), []string{"http://ok/", "http://slow/", "http://missing/", "http://refused/"}, f.head)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(time.Hour):
			t.Fatal("poll never returned after ctx ended: a poller, sleeper, the feeder or the monitor does not stop")
		}
		if d := time.Since(start); d != ms(950) {
			t.Errorf("poll returned at %v, want 950ms: when ctx was done, every goroutine should see it at once", d)
		}
		// A response (200 or 404) means a poll every pollInterval (250ms)
		// after the last one ended; the slow one ends 20ms after it starts. A
		// connection error adds errTimeout (100ms) per error in a row: 350ms,
		// then 450ms; the third poll of refused gets an answer.
		for url, want := range map[string][]time.Duration{
			"http://ok/":      {0, ms(250), ms(500), ms(750)},
			"http://missing/": {0, ms(250), ms(500), ms(750)},
			"http://slow/":    {0, ms(270), ms(540), ms(810)},
			"http://refused/": {0, ms(350), ms(800)},
		} {
			if got := f.times(url); !slices.Equal(got, want) {
				t.Errorf("%s polled at %v, want %v: pollInterval after a response, plus errTimeout for each connection error in a row", url, got, want)
			}
		}
		report := func(at, refused string) string {
			return at + " Current state:\n" +
				at + "  http://missing/ 404 Not Found\n" +
				at + "  http://ok/ 200 OK\n" +
				at + "  http://refused/ " + refused + "\n" +
				at + "  http://slow/ 200 OK\n"
		}
		// The monitor reports at 300ms (every status is new) and 900ms
		// (refused answered at 800ms), not at 600ms: nothing changed.
		want := "   0ms Error http://refused/ connection refused: 1 in a row, next poll in 350ms\n" +
			report(" 300ms", "connection refused") +
			" 350ms Error http://refused/ connection refused: 2 in a row, next poll in 450ms\n" +
			report(" 900ms", "200 OK")
		if out.String() != want {
			t.Errorf("poll printed:\n%s\nwant:\n%s", out.String(), want)
		}
	})
}

func TestNumPollersPollAtOnceWhateverTheNumberOfURLs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Five URLs whose HEAD takes 100ms each, and numPollers (2) pollers:
		// two polls start at 0, the next two when those end, the fifth at
		// 200ms. Stopped at 250ms, before any URL is due again (at 350ms).
		urls := []string{"http://a/", "http://b/", "http://c/", "http://d/", "http://e/"}
		answers := map[string][]answer{}
		for _, u := range urls {
			answers[u] = []answer{{latency: ms(100), status: "200 OK"}}
		}
		f := newFakeHead(answers)
		ctx, cancel := context.WithTimeout(context.Background(), ms(250))
		defer cancel()
		poll(ctx, log.New(io.Discard, "", 0), urls, f.head)
		var starts []time.Duration
		for _, u := range urls {
			starts = append(starts, f.times(u)...)
		}
		slices.Sort(starts)
		if want := []time.Duration{0, 0, ms(100), ms(100), ms(200)}; numPollers != 2 || !slices.Equal(starts, want) {
			t.Errorf("with %d pollers, polls started at %v, want %v", numPollers, starts, want)
		}
	})
}

func TestBackoffCountsConnectionErrorsOnlyAndAnyResponseResetsIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const u = "http://flaky/"
		f := newFakeHead(map[string][]answer{u: {
			{err: errRefused},                     // errCount 1: next poll 350ms later
			{err: errRefused},                     // 2: 450ms later
			{status: "404 Not Found"},             // 0: 250ms later
			{err: errRefused},                     // 1: 350ms later
			{status: "500 Internal Server Error"}, // 0: 250ms later
			{status: "200 OK"},
		}})
		ctx, cancel := context.WithTimeout(context.Background(), ms(1700))
		defer cancel()
		poll(ctx, log.New(&bytes.Buffer{}, "", 0), []string{u}, f.head)
		want := []time.Duration{0, ms(350), ms(800), ms(1050), ms(1400), ms(1650)}
		if got := f.times(u); !slices.Equal(got, want) {
			t.Errorf("polled at %v, want %v: each connection error in a row adds errTimeout to the pause, and any response, a 404 or a 500 too, sets it back to pollInterval", got, want)
		}
	})
}

func TestSleepWaitsPollIntervalPlusErrTimeoutPerError(t *testing.T) {
	for _, errs := range []int{0, 1, 3} {
		synctest.Test(t, func(t *testing.T) {
			done := make(chan *Resource)
			r := &Resource{url: "u", errCount: errs}
			start := time.Now()
			go r.Sleep(context.Background(), done)
			if got := <-done; got != r {
				t.Fatalf("Sleep sent %v, want its resource", got)
			}
			if d, want := time.Since(start), pollInterval+time.Duration(errs)*errTimeout; d != want {
				t.Errorf("errCount %d: Sleep sent its resource back after %v, want %v: pollInterval plus errTimeout for each connection error in a row", errs, d, want)
			}
		})
	}
}

func TestSleepStopsWhenCtxIsDone(t *testing.T) {
	for _, stop := range []time.Duration{ms(100), ms(400)} { // while sleeping; while nobody receives
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), stop)
			defer cancel()
			pending := make(chan *Resource) // nobody receives
			start := time.Now()
			returned := make(chan time.Duration, 1)
			go func() {
				(&Resource{url: "u"}).Sleep(ctx, pending)
				returned <- time.Since(start)
			}()
			select {
			case d := <-returned:
				if d != stop {
					t.Errorf("Sleep returned at %v, want %v, when ctx ended", d, stop)
				}
			case <-time.After(time.Hour):
				t.Errorf("Sleep never returned after ctx ended at %v: it is still sleeping, or still trying to hand its resource to pending, where no poller receives any more", stop)
				<-pending // let it go, so that the test can end
			}
		})
	}
}

func TestPollReturnsStatusAndCountsOnlyConnectionErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		l := log.New(&out, "", 0)
		f := newFakeHead(map[string][]answer{
			"http://a/": {{err: errRefused}, {err: errRefused}, {status: "404 Not Found"}, {err: errRefused}, {status: "500 Internal Server Error"}},
		})
		r := &Resource{url: "http://a/"}
		for i, want := range []struct {
			status string
			errs   int
		}{
			{"connection refused", 1}, {"connection refused", 2}, {"404 Not Found", 0},
			{"connection refused", 1}, {"500 Internal Server Error", 0},
		} {
			if s := r.Poll(context.Background(), f.head, l); s != want.status || r.errCount != want.errs {
				t.Errorf("poll %d: %q, errCount %d; want %q, %d", i, s, r.errCount, want.status, want.errs)
			}
		}
		if !f.allClosed() {
			t.Error("Poll left a response body open")
		}
		want := "Error http://a/ connection refused: 1 in a row, next poll in 350ms\n" +
			"Error http://a/ connection refused: 2 in a row, next poll in 450ms\n" +
			"Error http://a/ connection refused: 1 in a row, next poll in 350ms\n"
		if out.String() != want {
			t.Errorf("logged %q, want %q", out.String(), want)
		}
	})
}

func TestPollAbandonedAtStopIsNotAConnectionError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		f := newFakeHead(map[string][]answer{"http://a/": {{latency: time.Hour, status: "200 OK"}}})
		ctx, cancel := context.WithTimeout(context.Background(), ms(10))
		defer cancel()
		r := &Resource{url: "http://a/", errCount: 2}
		start := time.Now()
		s := r.Poll(ctx, f.head, log.New(&out, "", 0))
		if d := time.Since(start); d != ms(10) {
			t.Errorf("Poll returned at %v, want 10ms", d)
		}
		if s != context.DeadlineExceeded.Error() || r.errCount != 2 || out.Len() != 0 {
			t.Errorf("Poll = %q, errCount %d, logged %q; want the ctx error, 2, nothing", s, r.errCount, out.String())
		}
	})
}

// The monitor reports the latest status of each URL at its ticks, and only
// at those where a status has changed: at 100ms (all new), not at 200ms (b
// sent again, the same), at 300ms (b changed at 250ms).
func TestStateMonitorReportsTheLatestStateWhenOneHasChanged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		var wg sync.WaitGroup
		ctx, cancel := context.WithCancel(context.Background())
		status := StateMonitor(ctx, &wg, log.New(newStampWriter(&out), "", 0), ms(100))
		status <- State{"b", "200 OK"}
		status <- State{"a", "404 Not Found"}
		time.Sleep(ms(150))
		status <- State{"b", "200 OK"}
		time.Sleep(ms(100))
		status <- State{"b", "500 Internal Server Error"}
		time.Sleep(ms(100))
		cancel()
		done := make(chan struct{})
		go func() {
			wg.Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(time.Hour):
			t.Fatal("the monitor goroutine never ended after ctx was cancelled")
		}
		const want = ` 100ms Current state:
 100ms  a 404 Not Found
 100ms  b 200 OK
 300ms Current state:
 300ms  a 404 Not Found
 300ms  b 500 Internal Server Error
`
		if out.String() != want {
			t.Errorf("the monitor printed:\n%s\nwant its reports at 100ms and 300ms, when a status had changed:\n%s", out.String(), want)
		}
	})
}

func TestStateMonitorsMapIsLocalToItsGoroutine(t *testing.T) {
	// By construction: StateMonitor makes one map, inside the function
	// literal its goroutine runs, so no other goroutine can name it.
	file, err := parser.ParseFile(token.NewFileSet(), "url_poller.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	mapMakes := func(n ast.Node) int {
		count := 0
		ast.Inspect(n, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && len(call.Args) > 0 {
				if _, isMap := call.Args[0].(*ast.MapType); isMap {
					count++
				}
			}
			return true
		})
		return count
	}
	for _, d := range file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "StateMonitor" {
			inLits := 0
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if lit, ok := n.(*ast.FuncLit); ok {
					inLits += mapMakes(lit.Body)
					return false
				}
				return true
			})
			if all := mapMakes(fd.Body); all != 1 || inLits != 1 {
				t.Errorf("StateMonitor makes %d maps, %d of them inside a function literal; want 1 and 1", all, inLits)
			}
			return
		}
	}
	t.Fatal("no StateMonitor in url_poller.go")
}

func TestPollerStopsWhileBlockedOnASend(t *testing.T) {
	for _, readStatus := range []bool{false, true} { // stuck sending the status; stuck passing the resource on
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), ms(10))
			defer cancel()
			in, out, status := make(chan *Resource, 1), make(chan *Resource), make(chan State, 1)
			if !readStatus {
				status = make(chan State) // nobody receives
			}
			in <- &Resource{url: "http://ok/"}
			f := newFakeHead(map[string][]answer{"http://ok/": {{status: "200 OK"}}})
			start := time.Now()
			returned := make(chan time.Duration, 1)
			go func() {
				Poller(ctx, in, out, status, f.head, log.New(&bytes.Buffer{}, "", 0))
				returned <- time.Since(start)
			}()
			stuck := map[bool]string{false: "sending the status to a monitor that has stopped", true: "passing the resource on to a poll that has stopped"}[readStatus]
			select {
			case d := <-returned:
				if d != ms(10) {
					t.Errorf("Poller returned at %v, want 10ms, when ctx ended while it was %s", d, stuck)
				}
			case <-time.After(time.Hour):
				t.Errorf("Poller never returned after ctx ended: it is stuck %s", stuck)
				select { // let it go, so that the test can end
				case <-status:
				case <-out:
				}
			}
		})
	}
}

// slowAbortHead is a Head whose requests end only when ctx is done, and then
// take 5ms more to give up.
func slowAbortHead(ctx context.Context, url string) (*http.Response, error) {
	<-ctx.Done()
	time.Sleep(ms(5))
	return nil, ctx.Err()
}

func TestPollReturnsOnlyWhenEveryGoroutineHasEnded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Three URLs, two pollers: both pollers hang in a request, the feeder
		// hangs on its third send; the monitor waits.
		ctx, cancel := context.WithTimeout(context.Background(), ms(10))
		defer cancel()
		start := time.Now()
		poll(ctx, log.New(&bytes.Buffer{}, "", 0), []string{"http://a/", "http://b/", "http://c/"}, slowAbortHead)
		if d := time.Since(start); d != ms(15) {
			t.Errorf("poll returned at %v, want 15ms: when the pollers' requests have given up", d)
		}
	})
}

// peerTransport is a transport, one connection a request, whose every
// connection leads to a server goroutine, counted in wg, that reads the
// request and then does what behave does with the connection, which it
// closes when behave returns. (With keep-alive, the endless body sent after
// a HEAD answer would make the transport log an unsolicited response.)
func peerTransport(wg *sync.WaitGroup, behave func(net.Conn)) *http.Transport {
	return &http.Transport{DisableKeepAlives: true, DialContext: func(context.Context, string, string) (net.Conn, error) {
		client, server := net.Pipe()
		wg.Go(func() {
			defer server.Close()
			if _, err := http.ReadRequest(bufio.NewReader(server)); err == nil {
				behave(server)
			}
		})
		return client, nil
	}}
}

// TestHttpHeadIsBoundedWhateverTheServerDoes polls misbehaving servers
// through httpHead, in virtual time: one that never answers or sends its
// header forever costs headTimeout and counts as a connection error, as does
// a header too long or a connection dropped; an endless body is never read.
func TestHttpHeadIsBoundedWhateverTheServerDoes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		behave func(net.Conn)
		after  time.Duration
		status string // in Poll's result
		errs   int
	}{
		{"never answers", func(c net.Conn) { io.Copy(io.Discard, c) }, headTimeout, "context deadline exceeded", 1},
		{"sends its header forever", func(c net.Conn) {
			for _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\n"); err == nil; _, err = io.WriteString(c, "X: y\r\n") {
				time.Sleep(ms(10))
			}
		}, headTimeout, "context deadline exceeded", 1},
		{"sends a header too long", func(c net.Conn) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nX: "+strings.Repeat("y", maxHeader)+"\r\n\r\n")
		}, 0, "server response headers exceeded", 1},
		{"hangs up", func(net.Conn) {}, 0, "EOF", 1},
		{"sends an endless body", func(c net.Conn) {
			for _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n"); err == nil; _, err = c.Write(make([]byte, 1024)) {
			}
		}, 0, "200 OK", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var peers sync.WaitGroup
				defer peers.Wait()
				transport := peerTransport(&peers, tc.behave)
				defer transport.CloseIdleConnections()
				r := &Resource{url: "http://peer.test/"}
				start := time.Now()
				s := r.Poll(context.Background(), httpHead(transport), log.New(io.Discard, "", 0))
				if d := time.Since(start); d != tc.after || !strings.Contains(s, tc.status) || r.errCount != tc.errs {
					t.Errorf("Poll = %q after %v, errCount %d; want %q after %v, errCount %d", s, d, r.errCount, tc.status, tc.after, tc.errs)
				}
			})
		})
	}
}
