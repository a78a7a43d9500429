// Power series are computed here as McIlroy computes them: each series is a
// network of goroutines that produce exact rational coefficients only when
// asked.
//
// Slides: "More party tricks" (Go Concurrency Patterns, 2012), which links
// McIlroy's concurrent power series: M. Douglas McIlroy, "Squinting at Power
// Series" (Software: Practice and Experience, 1990), as the Go test suite
// carries it (test/chan/powser1.go); sin and cos come from the paper.
//
// A series F = f0 + f1·x + f2·x² + ... is a stream (a dch): the consumer
// sends a request on req and receives the next coefficient on dat. Each
// operation is a goroutine that reads its inputs as it is asked for output.
// The famous tricks are feedback loops: Exp(F) is the X with X = Integ(1,
// Mul(X, Diff(F))), a network that reads its own output through Split, and
// sin = Integ(0, cos), cos = Integ(1, −sin). Nothing here knows a formula for
// eˣ or sin x; the coefficients come out of the network.
//
// What to notice: a loop does not deadlock because Integ sends its constant
// before it asks its input for anything, and split serves a reader from its
// queue while it waits for its own input. Mul is recursive, so the network
// grows as it runs (after 30 coefficients, Exp's has over a hundred
// goroutines). Every goroutine belongs to a network, and Close stops them all.
package main

import (
	"fmt"
	"io"
	"math/big"
	"sync"
	"sync/atomic"
)

// A network is the goroutines and streams of one computation.
// Changed: the source has none, and its goroutines never stop (its main
// returns with them blocked). Here every send and receive on a stream also
// waits on quit and reports false once quit is closed, every goroutine then
// returns, and every goroutine is started by spawn, so Close can stop them all.
type network struct {
	quit    chan struct{} // closed by the consumer when it has read what it wants
	wg      sync.WaitGroup
	running atomic.Int64 // goroutines of the network running now: spawn counts them in and out
}

func newNetwork() *network {
	return &network{quit: make(chan struct{})}
}

// spawn runs f in a new goroutine of the network.
func (n *network) spawn(f func()) {
	n.wg.Go(func() {
		n.running.Add(1) // each goroutine counts itself in and out
		defer n.running.Add(-1)
		f()
	})
}

// Close tells every goroutine of the network to stop and waits until each
// has returned. A get from a stream of the network afterwards reports false.
// Close must be called once.
func (n *network) Close() {
	close(n.quit)
	n.wg.Wait()
}

// A dch is a demand channel: the consumer sends on req, then receives the
// next coefficient on dat.
// Changed: no nam field (the source numbers each stream, an index into its
// string of names chnames, and nothing reads it), and req carries nothing
// (the source's chan int carries seqno, a count of requests that nothing
// reads either).
type dch struct {
	req chan struct{}
	// Changed: exact big.Rat values (the source: int64 fractions, and exp's
	// 1/21! already does not fit). Never modified once sent: Split hands each
	// to two readers.
	dat chan *big.Rat
	net *network // whose quit every operation on the stream also waits on
}

// sameNetwork panics unless U and V belong to one network: one Close must
// stop every goroutine that reads them.
func sameNetwork(U, V PS) {
	if U.net != V.net {
		panic("power series from two networks")
	}
}

// A dch2 is a pair of demand channels.
type dch2 [2]*dch

// PS is a power series: the stream of its coefficients, constant term first.
// Changed: every series is infinite. The source ends a finite one with a
// marker (a zero denominator) that every operation checks; here a finite
// series such as Mon goes on with zeros, and no operation has an end case.
type PS = *dch

func mkdch(net *network) *dch {
	return &dch{req: make(chan struct{}), dat: make(chan *big.Rat), net: net}
}

func mkdch2(net *network) *dch2 {
	return &dch2{mkdch(net), mkdch(net)}
}

// demand blocks until the consumer of Z asks for a coefficient. It reports
// false once Z's network is closed: its caller then returns.
// (The source writes <-Z.req where this is called.)
func (Z *dch) demand() bool {
	select {
	case <-Z.req:
		return true
	case <-Z.net.quit: // no request will come any more
		return false
	}
}

// reply sends the coefficient Z's consumer asked for. It reports false once
// Z's network is closed. (The source writes Z.dat <- u.)
func (Z *dch) reply(u *big.Rat) bool {
	select {
	case Z.dat <- u:
		return true
	case <-Z.net.quit:
		return false
	}
}

// put waits for a request on out and sends dat. It reports false once out's
// network is closed.
func put(dat *big.Rat, out *dch) bool {
	return out.demand() && out.reply(dat)
}

// get asks in for its next coefficient and returns it. ok is false once
// in's network is closed, and then u is nil.
// Changed: the ok result (the source's get returns the coefficient alone:
// nothing there ever stops a network).
func get(in *dch) (u *big.Rat, ok bool) {
	select {
	case in.req <- struct{}{}:
	case <-in.net.quit:
		return nil, false
	}
	select {
	case v := <-in.dat:
		return v, true
	case <-in.net.quit:
		return nil, false
	}
}

// get2 gets one coefficient from each of two streams, asking both at once;
// ok is false once their network is closed.
// Changed: get2 does the work itself; the source's get2 hands the pair to
// getn, written for n streams but working only for two.
func get2(in0, in1 *dch) ([2]*big.Rat, bool) {
	req := [2]chan<- struct{}{in0.req, in1.req}
	var dat [2]<-chan *big.Rat // nil until we have asked: a nil channel is never ready
	var out [2]*big.Rat
	for range 4 {
		select {
		case req[0] <- struct{}{}:
			req[0], dat[0] = nil, in0.dat
		case req[1] <- struct{}{}:
			req[1], dat[1] = nil, in1.dat
		case out[0] = <-dat[0]:
			dat[0] = nil
		case out[1] = <-dat[1]:
			dat[1] = nil
		case <-in0.net.quit:
			return [2]*big.Rat{}, false
		}
	}
	return out, true
}

// copyPS passes every coefficient of in to out, each when out asks for it.
// Changed: the source's name is copy, which would hide Go's builtin copy.
func copyPS(in *dch, out *dch) {
	for out.demand() {
		u, ok := get(in)
		if !ok || !out.reply(u) {
			return
		}
	}
}

// repeat sends dat for ever (until the network is closed).
func repeat(dat *big.Rat, out *dch) {
	for put(dat, out) {
	}
}

// split reads in and hands each coefficient to both out[0] and out[1],
// which may read at different rates: q[i] holds what in has given and
// out[i] has not yet read. It asks in only when a reader waits and its
// queue is empty, and it serves each reader from its queue even while it
// waits for in: without that, a feedback loop (Exp) would deadlock.
// Changed: one goroutine with a queue per reader and one select, where the
// source starts a goroutine per coefficient.
func split(in *dch, out *dch2) {
	var q [2][]*big.Rat
	var wants [2]bool // out[i] has asked and not yet been served
	asked := false    // we have asked in and not yet received
	for {
		var inReq chan<- struct{}
		if !asked && (wants[0] && len(q[0]) == 0 || wants[1] && len(q[1]) == 0) {
			inReq = in.req
		}
		var inDat <-chan *big.Rat
		if asked {
			inDat = in.dat
		}
		var req [2]<-chan struct{}
		var dat [2]chan<- *big.Rat
		var next [2]*big.Rat
		for i := range 2 {
			if !wants[i] {
				req[i] = out[i].req
			} else if len(q[i]) > 0 {
				dat[i], next[i] = out[i].dat, q[i][0]
			}
		}
		select {
		case inReq <- struct{}{}:
			asked = true
		case u := <-inDat:
			asked = false
			q[0], q[1] = append(q[0], u), append(q[1], u)
		case <-req[0]:
			wants[0] = true
		case <-req[1]:
			wants[1] = true
		case dat[0] <- next[0]:
			wants[0], q[0] = false, q[0][1:]
		case dat[1] <- next[1]:
			wants[1], q[1] = false, q[1][1:]
		case <-in.net.quit:
			return
		}
	}
}

// Rational numbers.

func i2tor(u, v int64) *big.Rat { return big.NewRat(u, v) }
func itor(u int64) *big.Rat     { return big.NewRat(u, 1) }
func add(u, v *big.Rat) *big.Rat {
	return new(big.Rat).Add(u, v)
}
func mul(u, v *big.Rat) *big.Rat {
	return new(big.Rat).Mul(u, v)
}
func neg(u *big.Rat) *big.Rat {
	return new(big.Rat).Neg(u)
}

// printn writes the first n coefficients of U to w, separated by spaces,
// or as many as come before U's network is closed.
func printn(w io.Writer, U PS, n int) {
	for i := range n {
		u, ok := get(U)
		if !ok {
			break
		}
		if i > 0 {
			fmt.Fprint(w, " ")
		}
		fmt.Fprint(w, u.RatString())
	}
	fmt.Fprintln(w)
}

// Power-series constructors return the stream of a new series. Each starts
// a goroutine that puts the terms on it, one per request.

// Split makes two streams that each give every coefficient of U.
func Split(U PS) *dch2 {
	UU := mkdch2(U.net)
	U.net.spawn(func() { split(U, UU) })
	return UU
}

// Add returns U + V.
func Add(U, V PS) PS {
	sameNetwork(U, V)
	Z := mkdch(U.net)
	U.net.spawn(func() {
		for Z.demand() {
			uv, ok := get2(U, V)
			if !ok || !Z.reply(add(uv[0], uv[1])) {
				return
			}
		}
	})
	return Z
}

// Cmul returns c·U.
func Cmul(c *big.Rat, U PS) PS {
	Z := mkdch(U.net)
	U.net.spawn(func() {
		for Z.demand() {
			u, ok := get(U)
			if !ok || !Z.reply(mul(c, u)) {
				return
			}
		}
	})
	return Z
}

// Sub returns U − V.
func Sub(U, V PS) PS {
	return Add(U, Cmul(neg(itor(1)), V))
}

// Rep returns c + c·x + c·x² + ...: with c = 1, the series of 1/(1−x).
// Changed: the network to start in is an argument, as for Mon and SinCos (the
// source has no networks); every other operation joins its input's.
func Rep(net *network, c *big.Rat) PS {
	Z := mkdch(net)
	net.spawn(func() { repeat(c, Z) })
	return Z
}

// Mon returns the monomial c·xⁿ (and with n = 0, the constant c). The
// source's Mon(0, n) is the empty series at once; here it is zeros, the same
// series.
func Mon(net *network, c *big.Rat, n int) PS {
	Z := mkdch(net)
	net.spawn(func() {
		for range n {
			if !put(itor(0), Z) {
				return
			}
		}
		if put(c, Z) {
			repeat(itor(0), Z) // where the source ends the series
		}
	})
	return Z
}

// Mul returns U·V. With U = u + x·UU and V = v + x·VV,
//
//	U·V = u·v + x·(u·VV + v·UU) + x²·UU·VV
//
// so after the first coefficient it is W = u·VV + v·UU, whose first
// coefficient comes next, and then the rest of W plus UU·VV, recursively.
func Mul(U, V PS) PS {
	sameNetwork(U, V)
	Z := mkdch(U.net)
	U.net.spawn(func() {
		if !Z.demand() {
			return
		}
		uv, ok := get2(U, V)
		if !ok || !Z.reply(mul(uv[0], uv[1])) {
			return
		}
		UU := Split(U)
		VV := Split(V)
		W := Add(Cmul(uv[0], VV[0]), Cmul(uv[1], UU[0]))
		if !Z.demand() {
			return
		}
		if w, ok := get(W); !ok || !Z.reply(w) {
			return
		}
		copyPS(Add(W, Mul(UU[1], VV[1])), Z)
	})
	return Z
}

// Diff returns the derivative of U.
func Diff(U PS) PS {
	Z := mkdch(U.net)
	U.net.spawn(func() {
		if !Z.demand() {
			return
		}
		if _, ok := get(U); !ok { // the constant term: its derivative is 0
			return
		}
		for i := int64(1); ; i++ {
			u, ok := get(U)
			if !ok || !Z.reply(mul(itor(i), u)) || !Z.demand() {
				return
			}
		}
	})
	return Z
}

// Integ returns the integral of U with constant term c.
func Integ(c *big.Rat, U PS) PS {
	Z := mkdch(U.net)
	U.net.spawn(func() {
		if !put(c, Z) { // before reading U: this is what lets a feedback loop start
			return
		}
		for i := int64(1); Z.demand(); i++ {
			u, ok := get(U)
			if !ok || !Z.reply(mul(i2tor(1, i), u)) {
				return
			}
		}
	})
	return Z
}

// Exp returns exp(U) for a U with constant term 0: the X with
// X = Integ(1, Mul(X, Diff(U))), a network that reads its own output.
// (A nonzero constant term is ignored, as in the source: exp of it is not
// rational.)
func Exp(U PS) PS {
	ZZ := mkdch2(U.net)
	X := Integ(itor(1), Mul(ZZ[0], Diff(U)))
	U.net.spawn(func() { split(X, ZZ) })
	return ZZ[1]
}

// SinCos, from McIlroy's paper (powser1.go has none), returns sin x and
// cos x, each the integral of the other:
// sin = Integ(0, cos) and cos = Integ(1, −sin).
func SinCos(net *network) (sin, cos PS) {
	SS := mkdch2(net)
	CC := mkdch2(net)
	S := Integ(itor(0), CC[0])
	C := Integ(itor(1), Cmul(itor(-1), SS[0]))
	net.spawn(func() { split(S, SS) })
	net.spawn(func() { split(C, CC) })
	return SS[1], CC[1]
}
