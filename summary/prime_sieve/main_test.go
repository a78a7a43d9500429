package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
)

// The page's sample: what go run ./summary/prime_sieve prints with its
// default flags, before the ledger's line.
const defaultOutput = `The first 100 primes, each the first number through a chain of one filter per prime before it:
2	3	5	7	11	13	17	19	23	29
31	37	41	43	47	53	59	61	67	71
73	79	83	89	97	101	103	107	109	113
127	131	137	139	149	151	157	163	167	173
179	181	191	193	197	199	211	223	227	229
233	239	241	251	257	263	269	271	277	281
283	293	307	311	313	317	331	337	347	349
353	359	367	373	379	383	389	397	401	409
419	421	431	433	439	443	449	457	461	463
467	479	487	491	499	503	509	521	523	541
`

func TestShowWithDefaultFlagsPrintsThePageSample(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		show(&out, 100)
		if out.String() != defaultOutput {
			t.Fatalf("output:\n%s\nwant:\n%s", out.String(), defaultOutput)
		}
	})
}

func TestShowPrintsTheFirstNPrimesTenALine(t *testing.T) {
	t.Parallel()
	for n, primes := range map[int]string{
		0:  "",
		1:  "2\n",
		10: "2\t3\t5\t7\t11\t13\t17\t19\t23\t29\n",
		11: "2\t3\t5\t7\t11\t13\t17\t19\t23\t29\n31\n",
	} {
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			show(&out, n)
			want := fmt.Sprintf("The first %d primes, each the first number through a chain of one filter per prime before it:\n", n) + primes
			if out.String() != want {
				t.Errorf("-n %d printed %q, want %q", n, out.String(), want)
			}
		})
	}
}

func TestCheckAcceptsTheStatedBoundsOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n    int
		args []string
		ok   bool
	}{{0, nil, true}, {10_000, nil, true}, {-1, nil, false}, {10_001, nil, false}, {5, []string{"extra"}, false}} {
		if err := check(c.n, c.args); (err == nil) != c.ok {
			t.Errorf("check(%d, %q) = %v, want ok %t", c.n, c.args, err, c.ok)
		}
	}
}

// The ledger names a chain left behind by where its goroutines wait: what
// the program's last line would show if sieve forgot to end its chain.
func TestLedgerNamesAChainLeftBehind(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		done := make(chan struct{})
		ch, ch1 := make(chan int), make(chan int)
		go Generate(ch, done)
		go Filter(ch, ch1, 2, done)
		synctest.Wait() // both are blocked: nobody reads ch1
		var out bytes.Buffer
		ledger(&out, 0)
		for _, want := range []string{"goroutines still running: ", "waiting in a select in Generate at prime_sieve.go:", "waiting in a select in Filter at prime_sieve.go:"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("ledger printed:\n%s\nwant a line with %q", out.String(), want)
			}
		}
		close(done)
	})
}
