package main

// An in-process network: servers listen on a name and clients dial it
// through net.Pipe, so a whole run, its servers included, can happen inside
// a synctest bubble in virtual time, and every run prints the same lines.
// This file is the same in every folder that uses it.

import (
	"context"
	"net"
	"strconv"
	"sync"
	"syscall"
)

// A memNet is an in-process network. Its zero value has no listeners.
type memNet struct {
	mu        sync.Mutex
	listeners map[string]*memListener
	dialed    int // connections made, which numbers each client's port
}

// Listen returns a listener on addr, a name such as "backend:80", which
// DialContext reaches until the listener is closed. It never fails.
func (n *memNet) Listen(addr string) (net.Listener, error) {
	l := &memListener{n: n, addr: memAddr(addr), conns: make(chan net.Conn), closed: make(chan struct{})}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.listeners == nil {
		n.listeners = map[string]*memListener{}
	}
	n.listeners[addr] = l
	return l, nil
}

// DialContext connects to the listener on addr, as http.Transport's
// DialContext does; with none there, it fails as a refused TCP connection
// does. The server's end reports a loopback address as its peer.
func (n *memNet) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	l := n.listeners[addr]
	n.dialed++
	port := 40000 + n.dialed
	n.mu.Unlock()
	refused := &net.OpError{Op: "dial", Net: network, Addr: memAddr(addr), Err: syscall.ECONNREFUSED}
	if l == nil {
		return nil, refused
	}
	client, server := net.Pipe()
	select {
	case l.conns <- memConn{server, memAddr("127.0.0.1:" + strconv.Itoa(port))}:
		return client, nil
	case <-l.closed:
		return nil, refused
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (n *memNet) String() string { return "in this process (over net.Pipe)" }

// A memListener hands each connection dialled to it to Accept.
type memListener struct {
	n      *memNet
	addr   memAddr
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func (l *memListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *memListener) Close() error {
	l.once.Do(func() {
		close(l.closed)
		l.n.mu.Lock()
		defer l.n.mu.Unlock()
		if l.n.listeners[string(l.addr)] == l {
			delete(l.n.listeners, string(l.addr))
		}
	})
	return nil
}

func (l *memListener) Addr() net.Addr { return l.addr }

// A memAddr is the name a memListener listens on.
type memAddr string

func (a memAddr) Network() string { return "pipe" }
func (a memAddr) String() string  { return string(a) }

// A memConn is the server's end of a connection, with its peer's address.
type memConn struct {
	net.Conn
	remote memAddr
}

func (c memConn) RemoteAddr() net.Addr { return c.remote }
