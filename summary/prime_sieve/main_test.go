package main

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
	"testing/synctest"
)

// runOK runs the program with args and returns what it printed; an error fails the test.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(&out, args); err != nil {
		t.Fatalf("run(%q): %v", args, err)
	}
	return out.String()
}

// bubbled returns how many goroutines the caller's synctest bubble holds, the
// caller included, once every one of them has run as far as it can without
// time passing: a goroutine that sleeps or is blocked counts, one that has
// ended does not.
func bubbled() int {
	synctest.Wait()
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	// Each goroutine's header reads "goroutine N [state, synctest bubble B]:";
	// the caller's comes first.
	first, _, _ := bytes.Cut(buf, []byte("\n"))
	bubble := first[bytes.LastIndex(first, []byte(", synctest bubble ")):]
	n := 0
	for line := range bytes.Lines(buf) {
		if bytes.HasPrefix(line, []byte("goroutine ")) && bytes.HasSuffix(bytes.TrimSuffix(line, []byte("\n")), bubble) {
			n++
		}
	}
	return n
}

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

func TestRunPrintsTheFirstNPrimesTenALine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		if got := runOK(t); got != defaultOutput {
			t.Errorf("the default run printed:\n%s\nwant:\n%s", got, defaultOutput)
		}
		for n, primes := range map[int]string{
			0:  "",
			1:  "2\n",
			10: "2\t3\t5\t7\t11\t13\t17\t19\t23\t29\n",
			11: "2\t3\t5\t7\t11\t13\t17\t19\t23\t29\n31\n",
		} {
			want := fmt.Sprintf("The first %d primes, each the first number through a chain of one filter per prime before it:\n", n) + primes
			if got := runOK(t, "-n", fmt.Sprint(n)); got != want {
				t.Errorf("-n %d printed %q, want %q", n, got, want)
			}
		}
	})
}

func TestRunLeavesNoGoroutineBehind(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		runOK(t)
		if n := bubbled() - before; n != 0 {
			t.Fatalf("%d goroutines still alive when run returned, want 0", n)
		}
	})
}
