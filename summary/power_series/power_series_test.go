package main

import (
	"fmt"
	"io"
	"math/big"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// take reads the first n coefficients of U, or fails the test in the
// pattern's words if the network cannot give them.
func take(t *testing.T, U PS, n int) []*big.Rat {
	t.Helper()
	out := make([]*big.Rat, n)
	read := make(chan int, 1) // how many came before the network closed
	go func() {
		for i := range out {
			var ok bool
			if out[i], ok = get(U); !ok {
				read <- i
				return
			}
		}
		read <- n
	}()
	select {
	case i := <-read:
		if i < n {
			t.Fatalf("get of coefficient %d reported a closed network, and nobody closed it", i)
		}
	case <-time.After(time.Hour):
		t.Fatalf("no answer to a get for an hour: the network is deadlocked (a feedback loop starts only if Integ gives its constant before it reads its input)")
	}
	return out
}

// want checks got against the coefficients f(0), f(1), ... exactly.
func want(t *testing.T, name string, got []*big.Rat, f func(k int64) *big.Rat) {
	t.Helper()
	for k, g := range got {
		if w := f(int64(k)); g.Cmp(w) != 0 {
			t.Fatalf("%s: coefficient %d is %s, want %s", name, k, g.RatString(), w.RatString())
		}
	}
}

// closeAndCheck closes net and checks that no goroutine of it is running:
// Close must have told every one to stop and waited for it. synctest.Test
// then also fails if any goroutine of the bubble is left blocked.
func closeAndCheck(t *testing.T, net *network) {
	t.Helper()
	running := make(chan int64, 1) // as Close returns
	go func() {
		net.Close()
		running <- net.running.Load()
	}()
	select {
	case r := <-running:
		if r != 0 {
			t.Fatalf("Close returned while %d goroutines of the network still ran: it must wait for them", r)
		}
	case <-time.After(time.Hour):
		t.Fatalf("Close never returned: a goroutine of the network never stopped (is quit closed, and does every wait on a stream also wait on quit?)")
	}
}

func factorial(k int64) *big.Int {
	return new(big.Int).MulRange(1, k) // MulRange(1, 0) is 1
}

func TestExpCoefficientsAreOneOverKFactorial(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork()
		got := take(t, Exp(Mon(net, itor(1), 1)), 30)
		want(t, "exp(x)", got, func(k int64) *big.Rat { return new(big.Rat).SetFrac(big.NewInt(1), factorial(k)) })
		closeAndCheck(t, net)
	})
}

func TestExpOfOnesMatchesTheSource(t *testing.T) {
	// The Go test's own check: exp(x/(1-x)) = Exp(Integ(0, ... )) is written
	// there as Exp(Ones) with the constant term ignored.
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork()
		got := take(t, Exp(Rep(net, itor(1))), 10)
		wants := []*big.Rat{itor(1), itor(1), i2tor(3, 2), i2tor(13, 6), i2tor(73, 24), i2tor(167, 40),
			i2tor(4051, 720), i2tor(37633, 5040), i2tor(43817, 4480), i2tor(4596553, 362880)}
		want(t, "Exp(Rep(1))", got, func(k int64) *big.Rat { return wants[k] })
		closeAndCheck(t, net)
	})
}

func TestOneOverOneMinusXSquaredCountsUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork()
		got := take(t, Mul(Rep(net, itor(1)), Rep(net, itor(1))), 40)
		want(t, "1/(1-x)^2", got, func(k int64) *big.Rat { return itor(k + 1) })
		closeAndCheck(t, net)
	})
}

func TestMulMultiplies(t *testing.T) {
	// (1 + 2x)·(3 − x + 5x²) = 3 + 5x + 3x² + 10x³
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork()
		U := Add(Mon(net, itor(1), 0), Mon(net, itor(2), 1))
		V := Add(Add(Mon(net, itor(3), 0), Mon(net, itor(-1), 1)), Mon(net, itor(5), 2))
		wants := []int64{3, 5, 3, 10, 0, 0, 0, 0}
		want(t, "(1+2x)(3-x+5x^2)", take(t, Mul(U, V), len(wants)), func(k int64) *big.Rat { return itor(wants[k]) })
		closeAndCheck(t, net)
	})
}

func TestSinSquaredPlusCosSquaredIsOne(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork()
		sin, cos := SinCos(net)
		SS, CC := Split(sin), Split(cos)
		one := Add(Mul(SS[0], SS[1]), Mul(CC[0], CC[1]))
		want(t, "sin²+cos²", take(t, one, 20), func(k int64) *big.Rat {
			if k == 0 {
				return itor(1)
			}
			return itor(0)
		})
		closeAndCheck(t, net)
	})
}

func TestSinAndCosCoefficients(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork()
		sin, cos := SinCos(net)
		// sin x = Σ (−1)^j x^(2j+1)/(2j+1)!, cos x = Σ (−1)^j x^(2j)/(2j)!
		taylor := func(odd int64) func(k int64) *big.Rat {
			return func(k int64) *big.Rat {
				if k%2 != odd {
					return itor(0)
				}
				r := new(big.Rat).SetFrac(big.NewInt(1), factorial(k))
				if (k/2)%2 == 1 {
					r.Neg(r)
				}
				return r
			}
		}
		// Read them interleaved, as each feeds the other.
		for k := range int64(20) {
			if s := take(t, sin, 1)[0]; s.Cmp(taylor(1)(k)) != 0 {
				t.Fatalf("sin: coefficient %d is %s", k, s.RatString())
			}
			if c := take(t, cos, 1)[0]; c.Cmp(taylor(0)(k)) != 0 {
				t.Fatalf("cos: coefficient %d is %s", k, c.RatString())
			}
		}
		closeAndCheck(t, net)
	})
}

func TestDiffOfIntegIsIdentity(t *testing.T) {
	for name, build := range map[string]func(net *network) PS{
		"exp(x)":           func(net *network) PS { return Exp(Mon(net, itor(1), 1)) },
		"1/(1-x)^2":        func(net *network) PS { return Mul(Rep(net, itor(1)), Rep(net, itor(1))) },
		"-log(1-x)":        func(net *network) PS { return Integ(itor(0), Rep(net, itor(1))) },
		"3/(1-x) - 7x^4":   func(net *network) PS { return Sub(Rep(net, itor(3)), Mon(net, itor(7), 4)) },
		"Cmul(-1/2, cos)":  func(net *network) PS { _, cos := SinCos(net); return Cmul(i2tor(-1, 2), cos) },
		"constant 5 = Mon": func(net *network) PS { return Mon(net, itor(5), 0) },
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				net := newNetwork()
				UU := Split(build(net))
				back := Diff(Integ(i2tor(2, 3), UU[0]))
				for k := range 15 {
					if b, u := take(t, back, 1)[0], take(t, UU[1], 1)[0]; b.Cmp(u) != 0 {
						t.Fatalf("coefficient %d: Diff(Integ(c, U)) gives %s, U gives %s", k, b.RatString(), u.RatString())
					}
				}
				closeAndCheck(t, net)
			})
		})
	}
}

func TestEachOperation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(net *network) PS
		want  []*big.Rat
	}{
		{"Rep(2)", func(net *network) PS { return Rep(net, itor(2)) }, []*big.Rat{itor(2), itor(2), itor(2), itor(2)}},
		{"constant Mon(-3, 0)", func(net *network) PS { return Mon(net, itor(-3), 0) }, []*big.Rat{itor(-3), itor(0), itor(0), itor(0)}},
		{"Mon(1/2, 2)", func(net *network) PS { return Mon(net, i2tor(1, 2), 2) }, []*big.Rat{itor(0), itor(0), i2tor(1, 2), itor(0), itor(0)}},
		{"Add(Rep(1), Mon(2, 1))", func(net *network) PS { return Add(Rep(net, itor(1)), Mon(net, itor(2), 1)) }, []*big.Rat{itor(1), itor(3), itor(1), itor(1)}},
		{"Sub(Rep(1), Rep(3))", func(net *network) PS { return Sub(Rep(net, itor(1)), Rep(net, itor(3))) }, []*big.Rat{itor(-2), itor(-2), itor(-2)}},
		{"Cmul(2/3, Rep(3))", func(net *network) PS { return Cmul(i2tor(2, 3), Rep(net, itor(3))) }, []*big.Rat{itor(2), itor(2), itor(2)}},
		{"Diff(Rep(1))", func(net *network) PS { return Diff(Rep(net, itor(1))) }, []*big.Rat{itor(1), itor(2), itor(3), itor(4)}},
		{"Diff(Mon(1, 3))", func(net *network) PS { return Diff(Mon(net, itor(1), 3)) }, []*big.Rat{itor(0), itor(0), itor(3), itor(0)}},
		{"Integ(5, Rep(1))", func(net *network) PS { return Integ(itor(5), Rep(net, itor(1))) }, []*big.Rat{itor(5), itor(1), i2tor(1, 2), i2tor(1, 3), i2tor(1, 4)}},
		{"Mul(Rep(1), Mon(1, 0))", func(net *network) PS { return Mul(Rep(net, itor(1)), Mon(net, itor(1), 0)) }, []*big.Rat{itor(1), itor(1), itor(1), itor(1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				net := newNetwork()
				want(t, tc.name, take(t, tc.build(net), len(tc.want)), func(k int64) *big.Rat { return tc.want[k] })
				closeAndCheck(t, net)
			})
		})
	}
}

// counted is a test source: 0, 1, 2, ..., counting the coefficients it has
// been asked for.
func counted(net *network, asked *int) PS {
	Z := mkdch(net)
	net.spawn(func() {
		for i := int64(0); Z.demand(); i++ {
			*asked++ // read by the test only after synctest.Wait
			if !Z.reply(itor(i)) {
				return
			}
		}
	})
	return Z
}

func TestSplitGivesBothReadersEveryCoefficientAndAsksOnlyOnDemand(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork()
		asked := 0
		UU := Split(counted(net, &asked))
		synctest.Wait()
		if asked != 0 {
			t.Fatalf("split asked its input for %d coefficients before anyone asked it", asked)
		}
		want(t, "reader 0 ahead", take(t, UU[0], 5), func(k int64) *big.Rat { return itor(k) })
		synctest.Wait()
		if asked != 5 {
			t.Fatalf("reader 0 read 5, split asked its input for %d", asked)
		}
		want(t, "reader 1 behind", take(t, UU[1], 3), func(k int64) *big.Rat { return itor(k) })
		synctest.Wait()
		if asked != 5 {
			t.Fatalf("reader 1 read what reader 0 had read, yet split asked its input again (%d)", asked)
		}
		// Now reader 1 overtakes reader 0.
		want(t, "reader 1 ahead", take(t, UU[1], 4), func(k int64) *big.Rat { return itor(k + 3) })
		want(t, "reader 0 behind", take(t, UU[0], 2), func(k int64) *big.Rat { return itor(k + 5) })
		synctest.Wait()
		if asked != 7 {
			t.Fatalf("the readers read 7 distinct coefficients, split asked for %d", asked)
		}
		closeAndCheck(t, net)
	})
}

func TestOperationsAskTheirInputOnlyOnDemand(t *testing.T) {
	for name, op := range map[string]func(U PS) PS{
		"Cmul":  func(U PS) PS { return Cmul(itor(2), U) },
		"Add":   func(U PS) PS { return Add(U, Rep(U.net, itor(1))) },
		"Integ": func(U PS) PS { return Integ(itor(0), U) }, // its first coefficient needs no input
		"Diff":  func(U PS) PS { return Diff(U) },           // its first coefficient needs two inputs
		"Mul":   func(U PS) PS { return Mul(U, Rep(U.net, itor(1))) },
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				net := newNetwork()
				asked := 0
				Z := op(counted(net, &asked))
				var seen []int
				for range 4 {
					synctest.Wait()
					seen = append(seen, asked)
					take(t, Z, 1)
				}
				synctest.Wait()
				seen = append(seen, asked)
				wants := map[string][]int{"Integ": {0, 0, 1, 2, 3}, "Diff": {0, 2, 3, 4, 5}}[name]
				if wants == nil {
					wants = []int{0, 1, 2, 3, 4}
				}
				if fmt.Sprint(seen) != fmt.Sprint(wants) {
					t.Fatalf("input coefficients asked for before each of 4 reads and after: %v, want %v", seen, wants)
				}
				closeAndCheck(t, net)
			})
		})
	}
}

func TestEveryGoroutineStopsWhenTheConsumerIsDone(t *testing.T) {
	for _, s := range demoSeries() {
		for _, n := range []int{0, 1, 2, 15} {
			t.Run(fmt.Sprintf("%s/%d", s.code, n), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					net := newNetwork()
					take(t, s.build(net), n)
					synctest.Wait() // every goroutine started so far has counted itself in
					if r := net.running.Load(); r < 1 {
						t.Fatalf("%d goroutines running while the series is read", r)
					}
					closeAndCheck(t, net)
				})
			})
		}
	}
}

func TestExpsNetworkGrowsAsItRuns(t *testing.T) {
	// The doc comment says that after 30 coefficients Exp's network has over
	// a hundred goroutines.
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork()
		E := Exp(Mon(net, itor(1), 1))
		var running []int64
		for k := 1; k <= 30; k++ {
			take(t, E, 1)
			if k == 1 || k == 10 || k == 30 {
				synctest.Wait()
				running = append(running, net.running.Load())
			}
		}
		if !(running[0] < running[1] && running[1] < running[2] && running[2] > 100) {
			t.Fatalf("goroutines running after 1, 10 and 30 coefficients: %v; want growing, and over 100 at 30", running)
		}
		t.Logf("goroutines running after 1, 10 and 30 coefficients of exp: %v", running)
		closeAndCheck(t, net)
	})
}

func TestStreamsOfTwoNetworksDoNotMix(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := newNetwork(), newNetwork()
		for name, f := range map[string]func(U, V PS) PS{"Add": Add, "Mul": Mul} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s of streams from two networks did not panic", name)
					}
				}()
				f(Rep(a, itor(1)), Rep(b, itor(1)))
			}()
		}
		closeAndCheck(t, a)
		closeAndCheck(t, b)
	})
}

func BenchmarkExp(b *testing.B) {
	// Time per coefficient to compute the first n coefficients of exp(x).
	sizes := []int{10, 20, 40, 80}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				net := newNetwork()
				printn(io.Discard, Exp(Mon(net, itor(1), 1)), n)
				net.Close()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/coefficient")
		})
	}
}

func TestEverySendAndReceiveOnAStreamGivesWayToQuit(t *testing.T) {
	// Close may come while the network is busy, not only when every
	// goroutine waits for a demand: each goroutine here is stuck in one of
	// the stream operations, on a channel nobody else will ever touch, and
	// Close must still end it.
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork()
		never := func(name string, ok bool) {
			if ok {
				t.Errorf("%s reported success after Close", name)
			}
		}
		idle := mkdch(net)
		net.spawn(func() { never("demand", idle.demand()) }) // no request ever comes
		unread := mkdch(net)
		net.spawn(func() { never("reply", unread.reply(itor(1))) }) // nobody receives
		deaf := mkdch(net)
		net.spawn(func() { _, ok := get(deaf); never("get", ok) }) // nobody takes the request
		mute := mkdch(net)
		net.spawn(func() { _, ok := get(mute); never("get", ok) }) // the request is taken, no answer comes
		<-mute.req
		deaf2, deaf3 := mkdch(net), mkdch(net)
		net.spawn(func() { _, ok := get2(deaf2, deaf3); never("get2", ok) }) // neither takes the request
		mute2, mute3 := mkdch(net), mkdch(net)
		net.spawn(func() { _, ok := get2(mute2, mute3); never("get2", ok) }) // both take it, neither answers
		<-mute2.req
		<-mute3.req
		net.spawn(func() { split(mkdch(net), mkdch2(net)) }) // no reader ever asks
		asked := mkdch(net)
		UU := mkdch2(net)
		net.spawn(func() { split(asked, UU) }) // a reader asks, its input never answers
		UU[0].req <- struct{}{}
		<-asked.req
		synctest.Wait()
		if r := net.running.Load(); r != 8 {
			t.Fatalf("%d goroutines blocked, want 8", r)
		}
		closeAndCheck(t, net)
	})
}

func TestCloseStopsANetworkInTheMiddleOfItsWork(t *testing.T) {
	// A consumer that never stops asking, itself a goroutine of the
	// network: when Close comes, requests are outstanding everywhere.
	for name, build := range map[string]func(net *network) PS{
		"exp": func(net *network) PS { return Exp(Mon(net, itor(1), 1)) },
		"sin²+cos²": func(net *network) PS {
			sin, cos := SinCos(net)
			SS, CC := Split(sin), Split(cos)
			return Add(Mul(SS[0], SS[1]), Mul(CC[0], CC[1]))
		},
	} {
		for _, k := range []int{0, 1, 7, 25} {
			t.Run(fmt.Sprintf("%s/%d", name, k), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					net := newNetwork()
					U := build(net)
					started := make(chan struct{})
					net.spawn(func() {
						take(t, U, k)
						close(started)
						for {
							if _, ok := get(U); !ok {
								return // Close came
							}
						}
					})
					<-started
					closeAndCheck(t, net)
				})
			})
		}
	}
}

func TestGet2AsksBothInputsAtOnce(t *testing.T) {
	// U answers only once V has been asked: get2 must not wait for U's
	// answer before asking V.
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork()
		U, V := mkdch(net), mkdch(net)
		vAsked := make(chan struct{})
		net.spawn(func() {
			U.demand()
			<-vAsked
			U.reply(itor(1))
		})
		net.spawn(func() {
			V.demand()
			close(vAsked)
			V.reply(itor(2))
		})
		if got, ok := get2(U, V); !ok || got[0].Cmp(itor(1)) != 0 || got[1].Cmp(itor(2)) != 0 {
			t.Fatalf("get2 = %v, %t, want [1 2], true", got, ok)
		}
		closeAndCheck(t, net)
	})
}

// A consumer that asks after Close hears that the network is closed and goes
// on: get returns, it does not end the goroutine that called it.
func TestGetAfterCloseReportsTheEndAndReturns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork()
		U := Rep(net, itor(1))
		take(t, U, 2)
		closeAndCheck(t, net)
		if u, ok := get(U); ok || u != nil {
			t.Fatalf("get after Close = %v, %t, want nil, false", u, ok)
		}
		if uv, ok := get2(U, U); ok {
			t.Fatalf("get2 after Close = %v, true, want false", uv)
		}
		var out strings.Builder
		printn(&out, U, 3)
		if out.String() != "\n" {
			t.Fatalf("printn after Close printed %q, want only the line's end", out.String())
		}
	})
}
