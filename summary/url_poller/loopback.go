package main

// Where the demo's servers listen and how its clients reach them: by a name,
// such as "backend:80", so that no port number is printed. The program runs
// them on loopback, real TCP on 127.0.0.1; its tests run the same servers
// over net.Pipe in a synctest bubble (memNet, memnet_test.go).
// This file is the same in every folder that uses it.

import (
	"context"
	"fmt"
	"net"
	"sync"
	"syscall"
)

// A network lets servers listen on a name and clients dial that name, as
// http.Transport's DialContext does.
type network interface {
	Listen(name string) (net.Listener, error)
	DialContext(ctx context.Context, network, name string) (net.Conn, error)
}

// loopback is TCP on 127.0.0.1, on ports the OS picks: addrs maps each name
// listened on to its listener's address. Its zero value has no listeners.
type loopback struct{ addrs sync.Map }

// Listen listens on a port the OS picks and records its address under name.
func (n *loopback) Listen(name string) (net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err == nil {
		n.addrs.Store(name, l.Addr().String())
	}
	return l, err
}

// DialContext dials the listener on name; with none yet, it fails as a
// refused TCP connection does.
func (n *loopback) DialContext(ctx context.Context, network, name string) (net.Conn, error) {
	addr, ok := n.addrs.Load(name)
	if !ok {
		return nil, refused(network, name)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr.(string))
}

// refused is the error of a dial to name, where nothing listens.
func refused(network, name string) error {
	return fmt.Errorf("dial %s %s: %w", network, name, syscall.ECONNREFUSED)
}
