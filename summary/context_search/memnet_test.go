package main

// An in-process network for the tests: servers listen on a name and clients
// dial it through net.Pipe, so a whole run, its servers included, happens
// inside a synctest bubble in virtual time.
// This file is the same in every folder that uses it.

import (
	"context"
	"net"
	"sync"
)

// A memNet is a network in this process. Its zero value has no listeners.
type memNet struct {
	listeners sync.Map // name -> *memListener
}

// Listen returns a listener on name, which DialContext reaches until the
// listener is closed. It never fails.
func (n *memNet) Listen(name string) (net.Listener, error) {
	l := &memListener{conns: make(chan net.Conn), closed: make(chan struct{})}
	n.listeners.Store(name, l)
	return l, nil
}

// DialContext connects to the listener on name through net.Pipe; with none
// there, or a closed one, it fails as a refused TCP connection does. The
// server's end reports a loopback address as its peer.
func (n *memNet) DialContext(ctx context.Context, network, name string) (net.Conn, error) {
	l, ok := n.listeners.Load(name)
	if !ok {
		return nil, refused(network, name)
	}
	client, server := net.Pipe()
	select {
	case l.(*memListener).conns <- fromLoopback{server}:
		return client, nil
	case <-l.(*memListener).closed:
		return nil, refused(network, name)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// A memListener hands each connection dialled to it to Accept.
type memListener struct {
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
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *memListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80} }

// fromLoopback is the server's end of a pipe, whose peer is on 127.0.0.1.
type fromLoopback struct{ net.Conn }

func (fromLoopback) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
}
