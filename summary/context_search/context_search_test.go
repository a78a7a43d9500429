package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// The tests in this file run inside synctest bubbles, where time is virtual:
// the backend is called in process (inProcess) instead of over a socket, and
// the handler writes to an httptest.ResponseRecorder.

// inProcess is an http.RoundTripper that hands each request to h in the
// calling goroutine, like a server that shares the client's context: when the
// request's context ends, h sees its r.Context() end.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	if err := req.Context().Err(); err != nil {
		return nil, err // like a real transport: a cancelled request fails
	}
	return rec.Result(), nil
}

// recorder collects the fake backend's reports.
type recorder struct {
	mu    sync.Mutex
	lines []string
}

func (r *recorder) backend(latency time.Duration) http.Handler {
	return fakeBackend(latency, func(_, seen string) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.lines = append(r.lines, seen)
	})
}

func (r *recorder) events() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.lines)
}

// bothSearches runs f once with the article's Search and once with SearchToday.
func bothSearches(t *testing.T, f func(t *testing.T, today bool)) {
	for _, today := range []bool{false, true} {
		t.Run(fmt.Sprintf("today=%v", today), func(t *testing.T) { f(t, today) })
	}
}

func inProcessSearcher(h http.Handler, today bool) *searcher {
	return &searcher{backend: "http://backend.test/search", client: &http.Client{Transport: inProcess{h}}, today: today}
}

// serve runs handleSearch for target in a request whose context is ctx and
// returns the recorded response and how long the handler took.
func serve(ctx context.Context, s *searcher, target string) (*httptest.ResponseRecorder, time.Duration) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequestWithContext(ctx, "GET", target, nil) // RemoteAddr 192.0.2.1:1234
	start := time.Now()
	s.handleSearch(rec, req)
	return rec, time.Since(start)
}

func TestFastSearchReturnsTheResults(t *testing.T) {
	bothSearches(t, func(t *testing.T, today bool) {
		synctest.Test(t, func(t *testing.T) {
			var r recorder
			s := inProcessSearcher(r.backend(100*time.Millisecond), today)
			rec, elapsed := serve(context.Background(), s, "/search?q=golang&timeout=1s")
			want := "golang, result 1 - https://example.com/golang/1\n" +
				"golang, result 2 - https://example.com/golang/2\n" +
				"golang, result 3 - https://example.com/golang/3\n" +
				"3 results in 100ms; timeout 1s\n"
			if rec.Code != http.StatusOK || rec.Body.String() != want {
				t.Fatalf("got %d %q, want 200 %q", rec.Code, rec.Body.String(), want)
			}
			if elapsed != 100*time.Millisecond {
				t.Errorf("answered after %v, want the backend's 100ms", elapsed)
			}
			want = `q="golang" from userip 192.0.2.1`
			if got := r.events(); !slices.Equal(got, []string{want + " answered after 100ms"}) {
				t.Fatalf("backend saw %q, want one answered search for golang from userip 192.0.2.1", got)
			}
		})
	})
}

func TestSearchTimesOutWith504AtTheTimeout(t *testing.T) {
	bothSearches(t, func(t *testing.T, today bool) {
		synctest.Test(t, func(t *testing.T) {
			var r recorder
			s := inProcessSearcher(r.backend(100*time.Millisecond), today)
			rec, elapsed := serve(context.Background(), s, "/search?q=gophers&timeout=50ms")
			if rec.Code != http.StatusGatewayTimeout || rec.Body.String() != "search timed out after 50ms\n" {
				t.Fatalf("got %d %q, want 504 and the timeout", rec.Code, rec.Body.String())
			}
			if elapsed != 50*time.Millisecond {
				t.Errorf("answered after %v, want exactly the 50ms timeout", elapsed)
			}
			want := `q="gophers" from userip 192.0.2.1: its request's context ended after 50ms (context deadline exceeded), so it stopped`
			if got := r.events(); len(got) != 1 || got[0] != want {
				t.Fatalf("backend saw %q, want its request's context to end at 50ms", got)
			}
		})
	})
}

// TestCallerGoingAwayEndsTheBackendRequest is the one change from the
// article: the handler's context derives from the request's, so when the
// caller's context ends at 30ms (as the server does when a client closes its
// connection) the backend's request ends at 30ms too, not at its 1h latency,
// with or without a timeout. The body nobody reads shows which search ran:
// httpDo returns ctx.Err() itself; Client.Do wraps it in a *url.Error.
func TestCallerGoingAwayEndsTheBackendRequest(t *testing.T) {
	bothSearches(t, func(t *testing.T, today bool) {
		for _, target := range []string{"/search?q=channels", "/search?q=channels&timeout=1h"} {
			synctest.Test(t, func(t *testing.T) {
				var r recorder
				s := inProcessSearcher(r.backend(time.Hour), today)
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(30*time.Millisecond, cancel)
				rec, elapsed := serve(ctx, s, target)
				if elapsed != 30*time.Millisecond {
					t.Errorf("%s: the handler returned after %v, want 30ms, when its caller went away: the search's context must derive from the request's, so that it ends with it", target, elapsed)
				}
				want := "context canceled\n"
				if today {
					want = `Get "http://backend.test/search?q=channels&userip=192.0.2.1": context canceled` + "\n"
				}
				if rec.Code != http.StatusInternalServerError || rec.Body.String() != want {
					t.Errorf("%s: got %d %q, want 500 %q", target, rec.Code, rec.Body.String(), want)
				}
				want = `q="channels" from userip 192.0.2.1: its request's context ended after 30ms (context canceled: the frontend hung up, and a server is not told why), so it stopped`
				if got := r.events(); len(got) != 1 || got[0] != want {
					t.Fatalf("%s: backend saw %q, want its request cancelled at 30ms", target, got)
				}
			})
		}
	})
}

func TestNoTimeoutMeansNoDeadline(t *testing.T) {
	bothSearches(t, func(t *testing.T, today bool) {
		synctest.Test(t, func(t *testing.T) {
			var r recorder
			s := inProcessSearcher(r.backend(time.Hour), today)
			rec, elapsed := serve(context.Background(), s, "/search?q=patience")
			if rec.Code != http.StatusOK || !strings.HasSuffix(rec.Body.String(), "3 results in 1h0m0s; timeout 0s\n") || elapsed != time.Hour {
				t.Fatalf("got %d %q after %v, want the results after the backend's hour", rec.Code, rec.Body.String(), elapsed)
			}
		})
	})
}

func TestBadTimeoutIs400WithAClearMessage(t *testing.T) {
	for _, timeout := range []string{"abc", "1", "0", "0s", "-1s", "1x", "%20"} {
		synctest.Test(t, func(t *testing.T) {
			var r recorder
			s := inProcessSearcher(r.backend(time.Millisecond), false)
			rec, _ := serve(context.Background(), s, "/search?q=golang&timeout="+timeout)
			value := strings.ReplaceAll(timeout, "%20", " ")
			want := fmt.Sprintf("bad timeout %q: want a positive duration such as 1s or 250ms\n", value)
			if rec.Code != http.StatusBadRequest || rec.Body.String() != want {
				t.Fatalf("timeout=%s: got %d %q, want 400 %q", timeout, rec.Code, rec.Body.String(), want)
			}
			if got := r.events(); len(got) != 0 {
				t.Fatalf("timeout=%s: the backend was asked %q", timeout, got)
			}
		})
	}
}

func TestSmallestTimeoutIsAccepted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var r recorder
		s := inProcessSearcher(r.backend(time.Hour), false)
		rec, elapsed := serve(context.Background(), s, "/search?q=golang&timeout=1ns")
		if rec.Code != http.StatusGatewayTimeout || elapsed != time.Nanosecond {
			t.Fatalf("timeout=1ns: got %d after %v, want 504 after 1ns", rec.Code, elapsed)
		}
	})
}

func TestNoQueryIs400(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var r recorder
		rec, _ := serve(context.Background(), inProcessSearcher(r.backend(time.Millisecond), false), "/search?timeout=1s")
		if rec.Code != http.StatusBadRequest || rec.Body.String() != "no query\n" {
			t.Fatalf("got %d %q, want 400 no query", rec.Code, rec.Body.String())
		}
	})
}

func TestUnknownCallerAddressIs400(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var r recorder
		s := inProcessSearcher(r.backend(time.Millisecond), false)
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/search?q=golang", nil)
		req.RemoteAddr = "somewhere"
		s.handleSearch(rec, req)
		if rec.Code != http.StatusBadRequest || rec.Body.String() != "userip: \"somewhere\" is not IP:port\n" {
			t.Fatalf("got %d %q, want 400 and the userip error", rec.Code, rec.Body.String())
		}
	})
}

func TestBackendErrorIs500(t *testing.T) {
	bothSearches(t, func(t *testing.T, today bool) {
		synctest.Test(t, func(t *testing.T) {
			garbage := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "not json") })
			rec, _ := serve(context.Background(), inProcessSearcher(garbage, today), "/search?q=golang")
			if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "invalid character") {
				t.Fatalf("got %d %q, want 500 and the JSON error", rec.Code, rec.Body.String())
			}
		})
	})
}

func TestSearchWithoutAUserIPForwardsNone(t *testing.T) {
	bothSearches(t, func(t *testing.T, today bool) {
		synctest.Test(t, func(t *testing.T) {
			var r recorder
			s := inProcessSearcher(r.backend(time.Millisecond), today)
			search := s.Search
			if today {
				search = s.SearchToday
			}
			results, err := search(context.Background(), "bare")
			if err != nil || len(results) != 3 || results[0] != (Result{"bare, result 1", "https://example.com/bare/1"}) {
				t.Fatalf("got %v, %v", results, err)
			}
			if got := r.events(); len(got) != 1 || got[0] != `q="bare" from userip  answered after 1ms` {
				t.Fatalf("backend saw %q, want no userip", got)
			}
		})
	})
}

// TestHttpDoWaitsForFWhenCancelled: the context ends at 10ms; f gets the
// request's error then and takes 20ms more. httpDo returns ctx.Err() only
// when f has returned, at 30ms, so that Search may read results.
func TestHttpDoWaitsForFWhenCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var r recorder
		s := inProcessSearcher(r.backend(time.Hour), false)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequest("GET", s.backend, nil)
		fDone := false
		start := time.Now()
		err := s.httpDo(ctx, req, func(resp *http.Response, err error) error {
			if err == nil {
				resp.Body.Close()
			}
			time.Sleep(20 * time.Millisecond)
			fDone = true
			return errors.New("f's own error")
		})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("httpDo returned %v, want ctx.Err()", err)
		}
		if !fDone || time.Since(start) != 30*time.Millisecond {
			t.Errorf("httpDo returned at %v with f done %v, want at 30ms, once f has returned: returning before f does lets Search read results while f still writes them", time.Since(start), fDone)
		}
	})
}

func TestHttpDoReturnsFsError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var r recorder
		s := inProcessSearcher(r.backend(time.Millisecond), false)
		req, _ := http.NewRequest("GET", s.backend, nil)
		errF := errors.New("from f")
		err := s.httpDo(context.Background(), req, func(resp *http.Response, err error) error {
			if err != nil {
				return err
			}
			resp.Body.Close()
			return errF
		})
		if err != errF {
			t.Fatalf("httpDo returned %v, want f's error", err)
		}
	})
}

func TestUserIPFromRequest(t *testing.T) {
	for addr, want := range map[string]string{
		"192.0.2.1:1234": "192.0.2.1",
		"[::1]:80":       "::1",
		"127.0.0.1:0":    "127.0.0.1",
		"127.0.0.1":      "", // no port
		"host:80":        "", // not an IP
		"":               "",
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = addr
		ip, err := FromRequest(req)
		if want == "" {
			if err == nil || err.Error() != fmt.Sprintf("userip: %q is not IP:port", addr) {
				t.Errorf("FromRequest(%q) = %v, %v; want the not IP:port error", addr, ip, err)
			}
			continue
		}
		if err != nil || ip.String() != want {
			t.Errorf("FromRequest(%q) = %v, %v; want %s", addr, ip, err, want)
		}
	}
}

func TestUserIPTravelsInTheContext(t *testing.T) {
	if ip, ok := FromContext(context.Background()); ok || ip != nil {
		t.Fatalf("FromContext of an empty context = %v, %v; want nil, false", ip, ok)
	}
	ctx := NewContext(context.Background(), net.ParseIP("192.0.2.7"))
	// Another package's key of its own type, with the same value 0, cannot
	// reach or overwrite ours: the key's type differs.
	type otherKey int
	ctx = context.WithValue(ctx, otherKey(0), "someone else's")
	if ctx.Value(otherKey(0)) != "someone else's" {
		t.Fatal("the other package's key found our value")
	}
	ip, ok := FromContext(ctx)
	if !ok || !ip.Equal(net.ParseIP("192.0.2.7")) {
		t.Fatalf("FromContext = %v, %v; want 192.0.2.7", ip, ok)
	}
	if v := context.Background().Value(userIPKey); v != nil {
		t.Fatal("an unrelated context has our key")
	}
	if v := NewContext(context.Background(), net.ParseIP("::1")).Value(0); v != nil {
		t.Fatalf("the int key 0 reads our value %v", v)
	}
}
