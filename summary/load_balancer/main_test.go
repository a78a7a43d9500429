package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/trace"
	"strings"
	"testing"
	"testing/synctest"
)

func TestMain(m *testing.M) {
	if os.Getenv("GO_CONCURRENCY_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runMain runs the program's main in a child process with args.
func runMain(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GO_CONCURRENCY_RUN_MAIN=1", "GORACE=atexit_sleep_ms=0")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running main: %v", err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

func TestMainHelpExitsZero(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runMain(t, "-h")
	if code != 0 || stderr != "" {
		t.Errorf("-h: exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	if !strings.HasPrefix(stdout, "load_balancer: requesters, a pool of workers and one balancer") {
		t.Errorf("-h: stdout starts %q", stdout[:min(len(stdout), 80)])
	}
	for _, f := range []string{"-policy", "-requesters", "-workers", "-n", "-seed", "-trace"} {
		if !strings.Contains(stdout, "  "+f+" ") {
			t.Errorf("-h does not list %s", f)
		}
	}
}

func TestMainBadFlagsPrintOneLineAndExitTwo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-nope"}, "-nope"},
		{[]string{"-n", "many"}, "-n"},
		{[]string{"-n", "1001"}, "-n must be between 0 and 1000, got 1001"},
		{[]string{"-policy", "random"}, "-policy must be heap, roundrobin or both"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runMain(t, tc.args...)
			if code != 2 || stdout != "" {
				t.Errorf("%v: exit %d, stdout %q; want 2 and nothing", tc.args, code, stdout)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "load_balancer: ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("%v: stderr %q, want one line naming %q", tc.args, stderr, tc.want)
			}
		})
	}
}

const wantSeed1 = `load_balancer: 100 requesters send 10 requests each to 10 workers (work up to 10ms, pauses up to 20ms)
variance: of pending requests across workers, after each event, averaged over the run
latency: from a requester's send to its answer
policy     requests variance        p50        p99
heap           1000    0.298   36.921ms   57.357ms
roundrobin     1000    9.560   35.544ms   76.146ms
least loaded first: the heap keeps pending work more even than round robin (variance 0.298 < 9.560)
`

func TestRunWithSeedIsExact(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if err := run(&out, []string{"-seed", "1"}); err != nil {
			t.Fatal(err)
		}
		if out.String() != wantSeed1 {
			t.Errorf("got\n%s\nwant\n%s", out.String(), wantSeed1)
		}
	})
}

func TestRunEachPolicyAlone(t *testing.T) {
	for _, policy := range []string{"heap", "roundrobin"} {
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(&out, []string{"-seed", "1", "-policy", policy}); err != nil {
				t.Fatal(err)
			}
			// The same seed gives the same workload, so each policy's row is
			// the row it has when both run.
			lines := strings.Split(wantSeed1, "\n")
			row := lines[4]
			if policy == "roundrobin" {
				row = lines[5]
			}
			want := strings.Join(append(lines[:4:4], row, ""), "\n")
			if out.String() != want {
				t.Errorf("-policy %s: got\n%s\nwant\n%s", policy, out.String(), want)
			}
		})
	}
}

func TestRunWithoutSeedPrintsOneThatReplays(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		args := []string{"-requesters", "5", "-workers", "2", "-n", "3"}
		var first, second bytes.Buffer
		if err := run(&first, args); err != nil {
			t.Fatal(err)
		}
		if err := run(&second, args); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(first.String(), "\n"), "\n")
		last := lines[len(lines)-1]
		var seed string
		if _, err := fmtSscanSeed(last, &seed); err != nil {
			t.Fatalf("last line %q does not name a seed: %v", last, err)
		}
		if first.String() == second.String() {
			t.Error("two runs without -seed picked the same seed")
		}
		var replay bytes.Buffer
		if err := run(&replay, append(args, "-seed", seed)); err != nil {
			t.Fatal(err)
		}
		if want := strings.Join(lines[:len(lines)-1], "\n") + "\n"; replay.String() != want {
			t.Errorf("-seed %s gave\n%s\nwant\n%s", seed, replay.String(), want)
		}
	})
}

// fmtSscanSeed reads the seed from "seed N: run again with -seed N to replay".
func fmtSscanSeed(line string, seed *string) (int, error) {
	f := strings.Fields(line)
	if len(f) != 9 || f[0] != "seed" || f[1] != f[6]+":" || strings.Join(f[2:6], " ") != "run again with -seed" || f[7] != "to" || f[8] != "replay" {
		return 0, errors.New("not a seed line")
	}
	*seed = f[6]
	return 1, nil
}

func TestRunWithNoRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if err := run(&out, []string{"-seed", "3", "-n", "0"}); err != nil {
			t.Fatal(err)
		}
		want := `load_balancer: 100 requesters send 0 requests each to 10 workers (work up to 10ms, pauses up to 20ms)
variance: of pending requests across workers, after each event, averaged over the run
latency: from a requester's send to its answer
policy     requests variance        p50        p99
heap              0    0.000          -          -
roundrobin        0    0.000          -          -
on this run the heap is no more even than round robin (variance 0.000 >= 0.000)
`
		if out.String() != want {
			t.Errorf("got\n%s\nwant\n%s", out.String(), want)
		}
	})
}

func TestRunSmallestSizes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		if err := run(&out, []string{"-seed", "3", "-requesters", "1", "-workers", "1", "-n", "1", "-policy", "heap"}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "\nheap              1    0.000    0.502ms    0.502ms\n") {
			t.Errorf("one request through one worker: got\n%s", out.String())
		}
	})
}

func TestValidateEdges(t *testing.T) {
	ok := config{policy: "both", requesters: 100, workers: 10, n: 10}
	for _, tc := range []struct {
		change func(*config)
		want   string // "" for accepted
	}{
		{func(c *config) {}, ""},
		{func(c *config) { c.policy = "heap" }, ""},
		{func(c *config) { c.policy = "roundrobin" }, ""},
		{func(c *config) { c.policy = "Heap" }, `-policy must be heap, roundrobin or both, got "Heap"`},
		{func(c *config) { c.policy = "" }, `-policy must be heap, roundrobin or both, got ""`},
		{func(c *config) { c.requesters = 1 }, ""},
		{func(c *config) { c.requesters = 1000 }, ""},
		{func(c *config) { c.requesters = 0 }, "-requesters must be between 1 and 1000, got 0"},
		{func(c *config) { c.requesters = 1001 }, "-requesters must be between 1 and 1000, got 1001"},
		{func(c *config) { c.workers = 1 }, ""},
		{func(c *config) { c.workers = 100 }, ""},
		{func(c *config) { c.workers = 0 }, "-workers must be between 1 and 100, got 0"},
		{func(c *config) { c.workers = 101 }, "-workers must be between 1 and 100, got 101"},
		{func(c *config) { c.n = 0 }, ""},
		{func(c *config) { c.n = 1000 }, ""},
		{func(c *config) { c.n = -1 }, "-n must be between 0 and 1000, got -1"},
		{func(c *config) { c.n = 1001 }, "-n must be between 0 and 1000, got 1001"},
	} {
		c := ok
		tc.change(&c)
		err := c.validate()
		if got := ""; err != nil {
			got = err.Error()
			if got != tc.want {
				t.Errorf("%+v: %q, want %q", c, got, tc.want)
			}
		} else if tc.want != "" {
			t.Errorf("%+v accepted, want %q", c, tc.want)
		}
	}
}

func TestRunRejectsBeforeRunning(t *testing.T) {
	for _, args := range [][]string{
		{"-workers", "0"}, {"-requesters", "1001"}, {"-n", "-1"}, {"-policy", "x"}, {"-seed", "-1"}, {"a"},
	} {
		var out bytes.Buffer
		if err := run(&out, args); err == nil || out.Len() != 0 {
			t.Errorf("%v: err %v, output %q; want an error and no output", args, err, out.String())
		}
	}
	var out bytes.Buffer
	if err := run(&out, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v, want flag.ErrHelp", err)
	}
}

func TestTraceWritesAGoTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.trace")
	var out bytes.Buffer
	if err := run(&out, []string{"-trace", path, "-seed", "1", "-requesters", "1", "-workers", "1", "-n", "1", "-policy", "heap"}); err != nil {
		t.Fatal(err)
	}
	if trace.IsEnabled() {
		t.Error("tracing is still on after run returned")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("go 1.")) {
		t.Errorf("trace starts %q, want a Go trace header", data[:min(len(data), 16)])
	}
	if err := run(&out, []string{"-trace", filepath.Join(t.TempDir(), "no", "such", "dir", "x.trace")}); err == nil || !strings.Contains(err.Error(), "-trace") {
		t.Errorf("uncreatable trace file: err %v, want an error naming -trace", err)
	}
}
