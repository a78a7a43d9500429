package main

// The network show's local servers listen on and its clients dial them
// through: loopNet, real TCP on 127.0.0.1, for the program; memNet, over
// net.Pipe, for the tests that run show in virtual time.
// This file is the same in every folder that uses it.

import (
	"context"
	"net"
	"sync"
	"syscall"
)

// A network lets servers listen on a name, such as "backend:80", and clients
// dial that name, as http.Transport's DialContext does.
type network interface {
	Listen(name string) (net.Listener, error)
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
	String() string // where the servers are, for a line of output
}

// A loopNet is real TCP on 127.0.0.1, on ports the OS picks. Its zero value
// has no listeners.
type loopNet struct {
	mu    sync.Mutex
	addrs map[string]string // name -> the listener's address, while it is open
}

// Listen listens on 127.0.0.1 on a port the OS picks and records it under
// name, which DialContext reaches until the listener is closed. The listener
// reports name as its address, so a URL made from it prints no port number.
func (n *loopNet) Listen(name string) (net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.addrs == nil {
		n.addrs = map[string]string{}
	}
	n.addrs[name] = l.Addr().String()
	return &loopListener{l, n, name}, nil
}

// DialContext dials the address recorded for addr; with none recorded, it
// fails as a refused TCP connection does, naming addr.
func (n *loopNet) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	at, ok := n.addrs[addr]
	n.mu.Unlock()
	if !ok {
		return nil, &net.OpError{Op: "dial", Net: network, Addr: loopAddr(addr), Err: syscall.ECONNREFUSED}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, at)
}

func (n *loopNet) String() string { return "on 127.0.0.1" }

// A loopListener is a TCP listener known to its loopNet by name.
type loopListener struct {
	net.Listener
	n    *loopNet
	name string
}

// Close forgets the listener's name, then closes it.
func (l *loopListener) Close() error {
	l.n.mu.Lock()
	if l.n.addrs[l.name] == l.Listener.Addr().String() {
		delete(l.n.addrs, l.name)
	}
	l.n.mu.Unlock()
	return l.Listener.Close()
}

func (l *loopListener) Addr() net.Addr { return loopAddr(l.name) }

// A loopAddr is the name a loopListener is known by.
type loopAddr string

func (a loopAddr) Network() string { return "tcp" }
func (a loopAddr) String() string  { return string(a) }
