// Context_search serves /search?q=golang&timeout=1s: the handler makes a
// context that is cancelled when the timeout passes or the caller goes away,
// stores the caller's IP in it, and hands it to Search, which queries a
// backend over HTTP and abandons that request as soon as the context is done.
//
// Sections: "Context", "Derived contexts", "Example: Google Web Search",
// "The server program", "Package userip", "Package google" (Sameer Ajmani,
// "Go Concurrency Patterns: Context", the Go blog, July 2014,
// go.dev/blog/context).
//
// What to notice:
//   - handleSearch owns the context: WithTimeout (or WithCancel when there
//     is no timeout) and defer cancel(), so every request it started ends
//     when it returns.
//   - The context carries two things down the call chain: cancellation (Done,
//     Err) and one request-scoped value, the user's IP, under a key of an
//     unexported type, so that no other package can collide with it
//     (userip.go: FromRequest, NewContext, FromContext).
//   - httpDo is the article's lesson: run the request in a goroutine, then
//     select on ctx.Done() against its result. On cancellation it still
//     waits for f to return, so Search may read results safely.
//   - SearchToday is the same search as we write it now: a request made with
//     http.NewRequestWithContext is cancelled by Client.Do itself.
//   - A cancelled backend request is a real event on the backend: its own
//     request's context ends (main.go's fake backend reports it).
//
// Changed from the article:
//   - The one change to the lesson: handleSearch derives its context from
//     req.Context() instead of context.Background(). Since Go 1.7 the server
//     cancels a request's context when the client goes away, so a client
//     that gives up now stops the backend request too.
//   - A timeout that does not parse, or is not positive, gets 400 Bad Request
//     with a message saying what is wanted; the article silently falls back to
//     no timeout, so a typo would remove the caller's deadline. No timeout at
//     all still means WithCancel, as in the article.
//   - A search that times out gets 504 Gateway Timeout with a clear message;
//     the article answers every error with 500.
//   - The backend is a fake search service on a local httptest server (main.go)
//     speaking the JSON of the Google Web Search API, which Google has since
//     turned off; its URL and client are fields of a searcher instead of a
//     constant and http.DefaultClient, so each run and test has its own.
//   - httpDo attaches ctx to the request (req.WithContext) and sends it with
//     the searcher's client, so Client.Do cancels it when ctx is done; the
//     article makes a Transport of its own and, on ctx.Done(), calls
//     tr.CancelRequest(req), deprecated since Go 1.6. The select on
//     ctx.Done() against the request's result is kept: it is the lesson.
//   - Results are plain text lines instead of the article's HTML template;
//     userip is a file here, not a package.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// A searcher serves /search by querying a search backend.
type searcher struct {
	backend string       // the backend's URL (the article: Google's Web Search API)
	client  *http.Client // the article: http.DefaultClient
	today   bool         // Going further: search with SearchToday instead of Search
}

// handleSearch handles URLs like /search?q=golang&timeout=1s by forwarding
// the query to Search. If the query param includes timeout, the search is
// canceled after that duration elapses.
func (s *searcher) handleSearch(w http.ResponseWriter, req *http.Request) {
	// ctx is the Context for this handler. Calling cancel closes the
	// ctx.Done channel, which is the cancellation signal for requests
	// started by this handler.
	var (
		ctx    context.Context
		cancel context.CancelFunc
	)
	timeout, err := time.ParseDuration(req.FormValue("timeout"))
	switch {
	case err == nil && timeout > 0:
		// The request has a timeout, so create a context that is canceled
		// automatically when the timeout expires.
		ctx, cancel = context.WithTimeout(req.Context(), timeout) // Changed: from req.Context(), not context.Background().
	case req.FormValue("timeout") == "":
		ctx, cancel = context.WithCancel(req.Context()) // Changed: from req.Context(), not context.Background().
	default:
		// Changed: the article falls back to no timeout.
		http.Error(w, fmt.Sprintf("bad timeout %q: want a positive duration such as 1s or 250ms", req.FormValue("timeout")), http.StatusBadRequest)
		return
	}
	defer cancel() // Cancel ctx as soon as handleSearch returns.

	// Check the search query.
	query := req.FormValue("q")
	if query == "" {
		http.Error(w, "no query", http.StatusBadRequest)
		return
	}

	// Store the user IP in ctx for use by code in other packages.
	userIP, err := FromRequest(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ctx = NewContext(ctx, userIP)

	// Run the search and print the results.
	search := s.Search
	if s.today {
		search = s.SearchToday // Going further: the same search, as written today.
	}
	start := time.Now()
	results, err := search(ctx, query)
	elapsed := time.Since(start)
	if errors.Is(err, context.DeadlineExceeded) {
		// Changed: the article answers 500 to every error.
		http.Error(w, fmt.Sprintf("search timed out after %v", timeout), http.StatusGatewayTimeout)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	// Changed: plain text instead of the article's HTML template.
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	for _, r := range results {
		fmt.Fprintf(w, "%s - %s\n", r.Title, r.URL)
	}
	fmt.Fprintf(w, "%d results in %v; timeout %v\n", len(results), elapsed.Round(time.Millisecond), timeout)
}

// Results is an ordered list of search results.
type Results []Result

// A Result contains the title and URL of a search result.
type Result struct {
	Title, URL string
}

// Search sends query to the search backend and returns the results.
func (s *searcher) Search(ctx context.Context, query string) (Results, error) {
	// Prepare the search API request.
	req, err := http.NewRequest("GET", s.backend, nil)
	if err != nil {
		return nil, err
	}
	q := req.URL.Query()
	q.Set("q", query)

	// If ctx is carrying the user IP address, forward it to the server.
	// Google APIs use the user IP to distinguish server-initiated requests
	// from end-user requests.
	if userIP, ok := FromContext(ctx); ok {
		q.Set("userip", userIP.String())
	}
	req.URL.RawQuery = q.Encode()

	// Issue the HTTP request and handle the response. The httpDo function
	// cancels the request if ctx.Done is closed.
	var results Results
	err = s.httpDo(ctx, req, func(resp *http.Response, err error) error {
		if err != nil {
			return err
		}
		defer resp.Body.Close()

		// Parse the JSON search result (the Google Web Search API's shape).
		var data struct {
			ResponseData struct {
				Results []struct {
					TitleNoFormatting string
					URL               string
				}
			}
		}
		if err := json.NewDecoder(resp.Body).Decode(&data); err != nil {
			return err
		}
		for _, res := range data.ResponseData.Results {
			results = append(results, Result{Title: res.TitleNoFormatting, URL: res.URL})
		}
		return nil
	})
	// httpDo waits for the closure we provided to return, so it's safe to
	// read results here.
	return results, err
}

// httpDo issues the HTTP request and calls f with the response. If ctx.Done
// is closed while the request or f is running, httpDo cancels the request,
// waits for f to exit, and returns ctx.Err. Otherwise, httpDo returns f's
// error.
func (s *searcher) httpDo(ctx context.Context, req *http.Request, f func(*http.Response, error) error) error {
	// Run the HTTP request in a goroutine and pass the response to f.
	// httpDo receives from c on both paths below, so this goroutine never
	// outlives httpDo's return; the buffer only spares it a wait.
	c := make(chan error, 1)
	req = req.WithContext(ctx) // Changed: the article makes its own Transport and calls tr.CancelRequest(req) below.
	go func() { c <- f(s.client.Do(req)) }()
	select {
	case <-ctx.Done():
		// Changed: no tr.CancelRequest(req) (deprecated): Do, given a request
		// made with ctx, has cancelled it already.
		<-c // Wait for f to return.
		return ctx.Err()
	case err := <-c:
		return err
	}
}

// Going further: SearchToday is Search as we write it now.
// http.NewRequestWithContext ties the request to ctx, and Client.Do cancels
// it when ctx is done and returns an error that wraps ctx.Err(): no
// goroutine, no select, no httpDo.
func (s *searcher) SearchToday(ctx context.Context, query string) (Results, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", s.backend, nil)
	if err != nil {
		return nil, err
	}
	q := req.URL.Query()
	q.Set("q", query)
	if userIP, ok := FromContext(ctx); ok {
		q.Set("userip", userIP.String())
	}
	req.URL.RawQuery = q.Encode()

	resp, err := s.client.Do(req) // returns when the response arrives or ctx is done
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var data struct {
		ResponseData struct {
			Results []struct {
				TitleNoFormatting string
				URL               string
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&data); err != nil {
		return nil, err
	}
	var results Results
	for _, res := range data.ResponseData.Results {
		results = append(results, Result{Title: res.TitleNoFormatting, URL: res.URL})
	}
	return results, nil
}
