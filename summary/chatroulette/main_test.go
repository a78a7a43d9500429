package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log"
	"net"
	"strings"
	"testing"
	"time"
)

const wantDemo = `chatroulette: a scripted demo on a loopback server; -wait 300ms and bot -delay 100ms, short for the demo (the talk's: 5s and 1s)
alice hears: Waiting for a partner...Found one! Say hi.
bob hears: Waiting for a partner...Found one! Say hi.
alice: Hi! Is anybody there?
bob hears: Hi! Is anybody there?
bob: Yes, a gopher. Hello alice!
alice hears: Yes, a gopher. Hello alice!
alice leaves
bob's connection closes: when one leaves, the server ends the chat
carol hears, after -wait alone (nobody came, so her partner is the bot): Waiting for a partner...Found one! Say hi.
carol hears the bot, a -delay later: I am not a bot, I am not a bot,
carol: Hello? Do gophers like to chat?
carol hears the bot, a -delay later: Two gophers meet, talk for a while, and go home.
carol leaves
the server stops: listener closed, every chat ended, every goroutine done
`

// The demo runs over real loopback TCP, so it cannot run in a synctest
// bubble; its text does not depend on timing, only on the seed. Not
// parallel: no other test's server may run meanwhile.
func TestRunDemoWithSeedIsExactAndLeavesNoGoroutineBehind(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, []string{"-seed", "1"}); err != nil {
		t.Fatal(err)
	}
	if n := chatGoroutines(); n != 0 {
		t.Errorf("%d goroutines still running the program's code when run returned, want 0", n)
	}
	if out.String() != wantDemo {
		t.Errorf("got\n%s\nwant\n%s", out.String(), wantDemo)
	}
}

// The demo uses its own short -wait and -delay unless a flag sets them.
func TestDemoKeepsTheDurationsTheFlagsSet(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, []string{"-seed", "1", "-wait", "200ms"}); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(out.String(), "\n"); !strings.Contains(first, "-wait 200ms and bot -delay 100ms,") {
		t.Errorf("run -wait 200ms began %q, want -wait 200ms and the demo's -delay 100ms", first)
	}
}

func TestListenTakesOnlyALoopbackAddress(t *testing.T) {
	for addr, ok := range map[string]bool{
		"localhost:4000": true, "127.3.2.1:4000": true, "[::1]:4000": true,
		":4000": false, "0.0.0.0:4000": false, "192.168.1.1:4000": false, "example.com:4000": false, "4000": false,
	} {
		err := (&config{listen: addr, wait: time.Second, writeTimeout: time.Second}).validate()
		if (err == nil) != ok {
			t.Errorf("-listen %s: %v", addr, err)
		}
	}
	if err := run(io.Discard, []string{"-listen", "192.0.2.1:4000"}); err == nil || !strings.HasPrefix(err.Error(), "-listen must be a loopback") {
		t.Errorf("-listen 192.0.2.1:4000 (not this machine): run returned %v, want the loopback error", err)
	}
}

func TestListenShutsTheServerDownWhenItsContextIsDone(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	out := log.New(pw, "", 0)
	s := newServer(newSeededChain(1), config{wait: time.Hour, delay: time.Hour, writeTimeout: time.Hour}, out)
	ctx, cancel := context.WithCancel(context.Background())
	returned := make(chan struct{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		listen(ctx, out, s, l)
		pw.Close() // ends the test's ReadAll
		close(returned)
	}()
	r := bufio.NewReader(pr)
	first, err := r.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.Fields(strings.TrimPrefix(first, "chatroulette: listening on "))[0]
	alice, bob := pair(t, addr, "alice", "bob")
	relay(t, alice, bob, []byte("hi\n"))
	carol := join(t, addr, "carol")
	cancel()
	rest, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	<-returned
	if want := "stopping: the listener closes and every chat ends\nstopped: every goroutine the server started is done\n"; string(rest) != want {
		t.Errorf("printed %q, want %q", rest, want)
	}
	// listen has returned and the process lives on: the server's own
	// shutdown, not the process's exit, closed everything, and logged
	// nothing (rest has no error line).
	for _, c := range []*client{alice, bob, carol} {
		if _, err := c.r.ReadByte(); err != io.EOF {
			t.Errorf("%s read %v after listen returned, want EOF", c.name, err)
		}
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("the listener still accepts after listen returned")
	}
	if len(s.conns) != 0 {
		t.Errorf("%d connections still tracked after shutdown", len(s.conns))
	}
}
