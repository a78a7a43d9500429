// The context search server handles /search?q=golang&timeout=1s: its handler
// makes a context that ends when the timeout passes or the caller goes away,
// stores the caller's IP in it, and hands it to Search, which queries a
// backend over HTTP and abandons that request as soon as the context is done.
//
// Sections: "Context", "Derived contexts", "Example: Google Web Search",
// "The server program", "Package userip", "Package google" (Sameer Ajmani,
// "Go Concurrency Patterns: Context", the Go blog, July 2014, go.dev/blog/context).
//
// Watch each request's outcome on the client, then on the backend: the fast
// search is answered; the timed-out one gets 504 at its timeout, and the
// backend's own request ends then, not when it would have answered; when the
// client gives up, the backend's request ends too, because handleSearch
// derives its context from the request's instead of context.Background().
// The backend sees "canceled", never "deadline exceeded": the frontend's
// deadline ends the frontend's context, and the backend only hears the
// connection close. With -listen localhost:8080 both servers run until
// Ctrl-C, and curl 'localhost:8080/search?q=golang&timeout=80ms' gets a 504
// from a backend that takes 100ms (-latency).
//
// userip.go is the article's package userip. SearchToday (-today) is the
// same search as written today, without httpDo. The backend is a fake
// (servers.go) speaking the JSON of the Google Web Search API, which Google
// has since turned off; the demo runs both servers on 127.0.0.1, dialled by
// name (loopback.go), and its tests run them over net.Pipe (memnet_test.go).
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
// Changed: the backend's URL and the client are fields instead of the
// article's Google URL and http.DefaultClient, so each run has its own; the
// article's handleSearch, google.Search and httpDo are its methods.
type searcher struct {
	backend string
	client  *http.Client
	today   bool // Going further: search with SearchToday instead of Search
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
	// Changed: ctx derives from req.Context(), not context.Background(): the
	// server cancels it when the client goes away (since Go 1.8), and so
	// stops the search too.
	switch {
	case err == nil && timeout > 0:
		// The request has a timeout, so create a context that is canceled
		// automatically when the timeout expires.
		ctx, cancel = context.WithTimeout(req.Context(), timeout)
	case req.FormValue("timeout") == "":
		ctx, cancel = context.WithCancel(req.Context())
	default:
		// Changed: 400 for a timeout that does not parse or is not
		// positive; the article falls back to no timeout, so a typo would
		// remove the caller's deadline (and "0s" would fail at once).
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

	// Store the user IP in ctx for use by code further down the call chain.
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
		// Changed: 504, so the caller can tell a timeout from a failure;
		// the article answers 500 to every error.
		http.Error(w, fmt.Sprintf("search timed out after %v", timeout), http.StatusGatewayTimeout)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	// Changed: plain text, for curl and the demo, instead of the article's
	// HTML template.
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
//
// The request carries ctx (req.WithContext), so Client.Do itself stops it
// when ctx is done and f gets that error. The select therefore only decides
// which error comes back, ctx.Err() or f's: both cases wait for f. (In 2014
// the article made its own Transport and called tr.CancelRequest(req) in the
// ctx.Done case; its code has used req.WithContext since 2018.)
func (s *searcher) httpDo(ctx context.Context, req *http.Request, f func(*http.Response, error) error) error {
	// Run the HTTP request in a goroutine and pass the response to f.
	// httpDo receives from c on both paths below, so this goroutine never
	// outlives httpDo's return; the buffer only spares it a wait.
	c := make(chan error, 1)
	req = req.WithContext(ctx)
	go func() { c <- f(s.client.Do(req)) }()
	select {
	case <-ctx.Done():
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
