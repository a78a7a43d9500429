package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"time"
)

// config is what the flags choose.
type config struct {
	listen                          string
	wait, delay, writeTimeout, idle time.Duration
	maxConns                        int
}

func main() {
	var c config
	flag.StringVar(&c.listen, "listen", "", "serve on this loopback `address` (e.g. localhost:4000, then: nc localhost 4000, twice) until Ctrl-C; empty: a scripted demo on an ephemeral port")
	flag.DurationVar(&c.wait, "wait", 5*time.Second, "how long a connection waits alone before the bot joins (1ms to 1h0m0s; the demo uses 300ms unless set)")
	flag.DurationVar(&c.delay, "delay", time.Second, "how long after a write the bot answers (0s to 1m0s; the demo uses 100ms unless set)")
	flag.DurationVar(&c.writeTimeout, "writetimeout", 10*time.Second, "how long a write to a client may take before its chat ends (1ms to 1h0m0s)")
	flag.DurationVar(&c.idle, "idle", 0, "how long a client may stay silent before its chat ends (0s to 1h0m0s; 0s: no limit, as in the talk)")
	flag.IntVar(&c.maxConns, "maxconns", 1000, "connections served at once; one more hears one line and is closed (1 to 100000)")
	seed := flag.Uint64("seed", 1, "seed for the bot's choice of words")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "A TCP server pairs strangers through one channel; a Markov bot keeps the lonely company.")
		fmt.Fprintln(os.Stderr, "usage: go run ./summary/chatroulette [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if c.listen == "" {
		demoDurations(&c, flag.CommandLine)
	}
	if err := check(c, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	if err := show(os.Stdout, c, *seed); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ledger(os.Stdout, 100*time.Millisecond)
}

// demoDurations gives the demo its own -wait and -delay, short so that it ends
// in under a second (the talk's 5s and 1s would make it last 7s), unless fs,
// parsed, has them set on the command line.
func demoDurations(c *config, fs *flag.FlagSet) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["wait"] {
		c.wait = 300 * time.Millisecond
	}
	if !set["delay"] {
		c.delay = 100 * time.Millisecond
	}
}

// check returns an error for the first flag out of range, or an argument
// after the flags. -listen takes only a loopback host:port: this toy has no
// authentication.
func check(c config, args []string) error {
	host, _, err := net.SplitHostPort(c.listen)
	switch {
	case c.listen != "" && (err != nil || host != "localhost" && !net.ParseIP(host).IsLoopback()):
		return fmt.Errorf("-listen must be a loopback host:port such as localhost:4000, 127.0.0.1:4000 or [::1]:4000 (this toy has no authentication), got %q", c.listen)
	case c.wait < time.Millisecond || c.wait > time.Hour:
		return fmt.Errorf("-wait must be between 1ms and 1h0m0s, got %v", c.wait)
	case c.delay < 0 || c.delay > time.Minute:
		return fmt.Errorf("-delay must be between 0s and 1m0s, got %v", c.delay)
	case c.writeTimeout < time.Millisecond || c.writeTimeout > time.Hour:
		return fmt.Errorf("-writetimeout must be between 1ms and 1h0m0s, got %v", c.writeTimeout)
	case c.idle < 0 || c.idle > time.Hour:
		return fmt.Errorf("-idle must be between 0s and 1h0m0s, got %v", c.idle)
	case c.maxConns < 1 || c.maxConns > 100_000:
		return fmt.Errorf("-maxconns must be between 1 and 100000, got %d", c.maxConns)
	case len(args) > 0:
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}
