package main

import (
	"crypto/md5"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestSquareReceivesEachSquareInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var b strings.Builder
		square(&b)
		if got, want := b.String(), "4\n9\n"; got != want {
			t.Fatalf("square printed %q, want %q", got, want)
		}
	})
}

func TestGenAndSqCloseTheirChannelsWhenDone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var got []int
		for n := range sq(sq(gen(1, 2, 3))) { // ends only if both stages close their out
			got = append(got, n)
		}
		if want := []int{1, 16, 81}; !slices.Equal(got, want) {
			t.Fatalf("sq(sq(gen(1, 2, 3))) gave %v, want %v", got, want)
		}
	})
}

// TestGenWaitsForEachReceive holds the lesson that stages hand values over
// one at a time: gen's channel is unbuffered, so gen cannot get ahead.
func TestGenWaitsForEachReceive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := gen(1, 2, 3)
		synctest.Wait()
		if len(out) != 0 || cap(out) != 0 {
			t.Fatalf("gen's channel holds %d values (capacity %d); want an unbuffered hand-off", len(out), cap(out))
		}
		for range out {
		}
	})
}

func TestFanOutFanInDeliversEverySquareOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nums := make([]int, 100)
		for i := range nums {
			nums[i] = i
		}
		in := gen(nums...)
		// Three sq read the one channel in (fan-out); merge reads all three (fan-in).
		var got []int
		for n := range merge(sq(in), sq(in), sq(in)) {
			got = append(got, n)
		}
		slices.Sort(got)
		for i, n := range got {
			if n != i*i {
				t.Fatalf("sorted output %v is not the squares of 0..99", got)
			}
		}
		if len(got) != len(nums) {
			t.Fatalf("got %d squares, want %d", len(got), len(nums))
		}
	})
}

func TestFanOutPrintsBothSquares(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var b strings.Builder
		fanOut(&b)
		if got := b.String(); got != "4\n9\n" && got != "9\n4\n" {
			t.Fatalf("fanOut printed %q, want 4 and 9 in either order", got)
		}
	})
}

func TestMergeOfNothingClosesAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		if _, ok := <-merge(); ok {
			t.Fatal("merge() sent a value")
		}
	})
}

// TestStoppingShortLeavesASenderBlocked shows the article's leak: after the
// first value, a goroutine is still blocked sending the second (merge's out
// is unbuffered, so the value is not sitting in a buffer). The test then
// drains it, so that this test itself leaks nothing.
func TestStoppingShortLeavesASenderBlocked(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var b strings.Builder
		out := stopShort(&b)
		synctest.Wait() // everything that can run has run: what is left is blocked
		if len(out) != 0 {
			t.Fatalf("the second value sits in a buffer of merge's out (len %d), not with a blocked sender", len(out))
		}
		first, err := parseInt(strings.TrimSpace(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		second, ok := <-out
		if !ok {
			t.Fatal("out is closed: no sender was left blocked")
		}
		if first+second != 13 || first*second != 36 {
			t.Fatalf("took %d then %d, want 4 and 9", first, second)
		}
		if _, ok := <-out; ok {
			t.Fatal("a third value arrived")
		}
	})
}

func parseInt(s string) (int, error) {
	var n int
	_, err := fmt.Sscan(s, &n)
	return n, err
}

// TestCancellationReleasesEveryStage: cancellation returns after one value
// with the rest of the pipeline still holding values; closing done must let
// every stage return.
func TestCancellationReleasesEveryStage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		before := bubbled()
		var b strings.Builder
		cancellation(&b)
		if got := b.String(); got != "4\n" && got != "9\n" {
			t.Fatalf("cancellation printed %q, want 4 or 9", got)
		}
		if n := bubbled() - before; n != 0 {
			t.Fatalf("cancellation returned with %d goroutines still blocked: closing done must release every stage, or they wait for ever to send what nobody takes", n)
		}
	})
}

// TestClosingDoneStopsALongPipelineMidStream uses many values and several
// sqDone, so that every kind of stage is blocked on a send when done closes:
// each must take its <-done case, and mergeDone's out must close.
func TestClosingDoneStopsALongPipelineMidStream(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		done := make(chan struct{})
		nums := make([]int, 100)
		for i := range nums {
			nums[i] = i + 1
		}
		in := genDone(done, nums...)
		out := mergeDone(done, sqDone(done, in), sqDone(done, in), sqDone(done, in))
		<-out
		synctest.Wait()
		close(done)
		for range out { // ends only if mergeDone closes out
			// After done closes, a stage whose send is also ready may still
			// send (select picks at random), but none can block for ever.
		}
	})
}

func TestPipelineWithDoneDeliversEverythingWhenReadToTheEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		done := make(chan struct{})
		defer close(done)
		in := genDone(done, 1, 2, 3, 4)
		var got []int
		for n := range mergeDone(done, sqDone(done, in), sqDone(done, in)) {
			got = append(got, n)
		}
		slices.Sort(got)
		if want := []int{1, 4, 9, 16}; !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
}

// makeTree writes n files with distinct contents under dir, some nested, and
// returns the MD5 sum of each, computed here independently of MD5All. It also
// writes what MD5All must leave out: a symbolic link.
func makeTree(t testing.TB, dir string, n int) map[string][md5.Size]byte {
	t.Helper()
	want := make(map[string][md5.Size]byte)
	for i := range n {
		sub := filepath.Join(dir, fmt.Sprintf("d%d", i%7), fmt.Sprintf("e%d", i%3))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(sub, fmt.Sprintf("f%03d.txt", i))
		data := []byte(strings.Repeat(fmt.Sprintf("file %d\n", i), i%50+1))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		want[path] = md5.Sum(data)
	}
	if err := os.Symlink("d1", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	return want
}

// ways returns the three MD5Alls that show uses, reading with readFile, by
// name.
func ways(readFile func(string) ([]byte, error), numDigesters int) map[string]func(string) (map[string][md5.Size]byte, error) {
	f := files{readFile}
	return map[string]func(string) (map[string][md5.Size]byte, error){
		"serial": serial{f}.MD5All, "parallel": parallel{f}.MD5All, "bounded": bounded{f, numDigesters}.MD5All,
	}
}

func TestMD5AllThreeWaysAgreeOn500Files(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	want := makeTree(t, root, 500)
	for name, md5All := range ways(os.ReadFile, 20) {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				got, err := md5All(root)
				if err != nil {
					t.Fatal(err)
				}
				if !maps.Equal(got, want) {
					t.Fatalf("%s MD5All returned %d sums, not the %d expected ones (links left out)", name, len(got), len(want))
				}
			})
		})
	}
}

var errBoom = errors.New("boom")

// TestMD5AllReportsAReadErrorAndLeavesNothingBlocked: the reader fails on
// one file in the middle of the tree. Each MD5All returns that error; the
// parallel and bounded ones return while other reads are still under way,
// and once those end, every goroutine they started sees done and returns.
func TestMD5AllReportsAReadErrorAndLeavesNothingBlocked(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	want := makeTree(t, root, 100)
	victim := slices.Sorted(maps.Keys(want))[50]
	failing := func(name string) ([]byte, error) {
		if name == victim {
			return nil, errBoom
		}
		time.Sleep(time.Millisecond) // the others are slow, so much is in flight when it fails
		return os.ReadFile(name)
	}
	for name, md5All := range ways(failing, 4) {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				before := bubbled()
				m, err := md5All(root)
				if !errors.Is(err, errBoom) || m != nil {
					t.Fatalf("%s MD5All returned %d sums and error %v, want none and %v", name, len(m), err, errBoom)
				}
				if left := bubbled() - before; (left > 0) != (name != "serial") {
					t.Errorf("%s MD5All returned with %d goroutines still reading", name, left)
				}
				time.Sleep(time.Millisecond) // the reads under way end
				if left := bubbled() - before; left != 0 {
					t.Errorf("%s MD5All returned on an error and %d goroutines were still blocked once the reads ended: each must see done closed and return, as nobody receives its result", name, left)
				}
			})
		})
	}
}

// TestMD5AllReportsAFileRemovedAfterTheWalk reads with the real os.ReadFile,
// but removes one file after the walk has found it and before it is read.
func TestMD5AllReportsAFileRemovedAfterTheWalk(t *testing.T) {
	t.Parallel()
	for name := range ways(os.ReadFile, 4) {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			want := makeTree(t, root, 40)
			victim := slices.Sorted(maps.Keys(want))[20]
			removing := func(name string) ([]byte, error) {
				if name == victim {
					if err := os.Remove(name); err != nil {
						return nil, err
					}
				}
				return os.ReadFile(name)
			}
			synctest.Test(t, func(t *testing.T) {
				_, err := ways(removing, 4)[name](root)
				if !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("%s MD5All returned error %v, want one for a file that does not exist", name, err)
				}
			})
		})
	}
}

func TestMD5AllReportsAWalkError(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "nothing here")
	for name, md5All := range ways(os.ReadFile, 4) {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				if _, err := md5All(root); !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("%s MD5All of a missing root returned error %v, want fs.ErrNotExist", name, err)
				}
			})
		})
	}
}

// TestMD5AllReadsAtMostSoManyFilesAtOnce reads 500 files, each taking 10ms.
// The bounded MD5All never has more than its digesters reading, and all of
// them are busy: max is exactly the bound and the run takes 500/20 rounds of
// 10ms. The parallel one reads all 500 at once (10ms in all); the serial
// one reads one at a time (5s).
func TestMD5AllReadsAtMostSoManyFilesAtOnce(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	makeTree(t, root, 500)
	for _, tc := range []struct {
		name      string
		digesters int
		max       int
		elapsed   time.Duration
	}{
		{"serial", 0, 1, 5 * time.Second},
		{"parallel", 0, 500, 10 * time.Millisecond},
		{"bounded", 20, 20, 250 * time.Millisecond},
		{"bounded", 3, 3, 167 * 10 * time.Millisecond}, // 166 rounds of 3 and one of 2
	} {
		t.Run(fmt.Sprintf("%s/%d", tc.name, tc.digesters), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var reads inFlight
				start := time.Now()
				m, err := ways(reads.counted(10*time.Millisecond), tc.digesters)[tc.name](root)
				elapsed := time.Since(start)
				if err != nil || len(m) != 500 {
					t.Fatalf("%d sums, error %v; want 500 sums", len(m), err)
				}
				if reads.most != tc.max {
					t.Errorf("%s MD5All had up to %d reads under way at once, want exactly %d: the serial one reads one file at a time, the parallel one all at once, the bounded one with each of its digesters", tc.name, reads.most, tc.max)
				}
				if elapsed != tc.elapsed {
					t.Errorf("took %v, want %v", elapsed, tc.elapsed)
				}
			})
		})
	}
}

// BenchmarkMD5All digests the same 500-file tree three ways (with the real
// os.ReadFile and the article's 20 digesters); 50 files under -short.
func BenchmarkMD5All(b *testing.B) {
	root := b.TempDir()
	n := 500
	if testing.Short() {
		n = 50
	}
	makeTree(b, root, n)
	for _, name := range []string{"serial", "parallel", "bounded"} {
		md5All := ways(os.ReadFile, 20)[name]
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := md5All(root); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
