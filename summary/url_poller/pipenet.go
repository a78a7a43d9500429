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

// A pipeNet is an in-process network. Its zero value has no listeners.
type pipeNet struct {
	mu        sync.Mutex
	listeners map[string]*pipeListener
	dialed    int // connections made, which numbers each client's port
}

// Listen returns a listener on addr, a name such as "backend:80", which
// DialContext reaches until the listener is closed.
func (n *pipeNet) Listen(addr string) net.Listener {
	l := &pipeListener{n: n, addr: pipeAddr(addr), conns: make(chan net.Conn), closed: make(chan struct{})}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.listeners == nil {
		n.listeners = map[string]*pipeListener{}
	}
	n.listeners[addr] = l
	return l
}

// DialContext connects to the listener on addr, as http.Transport's
// DialContext does; with none there, it fails as a refused TCP connection
// does. The server's end reports a loopback address as its peer.
func (n *pipeNet) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	l := n.listeners[addr]
	n.dialed++
	port := 40000 + n.dialed
	n.mu.Unlock()
	refused := &net.OpError{Op: "dial", Net: network, Addr: pipeAddr(addr), Err: syscall.ECONNREFUSED}
	if l == nil {
		return nil, refused
	}
	client, server := net.Pipe()
	select {
	case l.conns <- pipeConn{server, pipeAddr("127.0.0.1:" + strconv.Itoa(port))}:
		return client, nil
	case <-l.closed:
		return nil, refused
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// A pipeListener hands each connection dialled to it to Accept.
type pipeListener struct {
	n      *pipeNet
	addr   pipeAddr
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
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

func (l *pipeListener) Addr() net.Addr { return l.addr }

// A pipeAddr is the name a pipeListener listens on.
type pipeAddr string

func (a pipeAddr) Network() string { return "pipe" }
func (a pipeAddr) String() string  { return string(a) }

// A pipeConn is the server's end of a connection, with its peer's address.
type pipeConn struct {
	net.Conn
	remote pipeAddr
}

func (c pipeConn) RemoteAddr() net.Addr { return c.remote }
