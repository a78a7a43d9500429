// Pipelines are stages joined by channels: this program builds them, stops
// them early without leaking a goroutine, and digests a file tree with MD5
// three ways: serially, with a goroutine per file, and with a fixed number of
// digesters.
//
// Sections: "Squaring numbers", "Fan-out, fan-in", "Stopping short",
// "Explicit cancellation", "Digesting a tree", "Parallel digestion",
// "Bounded parallelism" (Sameer Ajmani, "Go Concurrency Patterns: Pipelines
// and cancellation", the Go blog, March 2014, go.dev/blog/pipelines).
//
// What to notice: each stage closes its outbound channel when it has sent
// everything and ranges over its inbound one, so a pipeline read to the end
// ends by itself. Fan-out is several sq reading one channel; fan-in is merge.
// A consumer that stops short leaves a sender blocked for ever; closing one
// done channel is a broadcast that lets every stage return. The three MD5Alls
// return the same map; the bounded one reads at most numDigesters files at
// once, however big the tree. On an error the parallel and bounded MD5Alls
// return at once and close done: no goroutine stays blocked, but reads
// already under way run to their end before their goroutines see done and
// return.
//
// The article's done channel stays, rather than a context.Context: the lesson
// is that closing a channel is a broadcast, and ctx.Done() is such a channel;
// today's Go would pass ctx and gain deadlines and a reason, ctx.Err().
package main

import (
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sync"
)

// gen sends the values in nums on the returned channel, then closes it.
func gen(nums ...int) <-chan int {
	out := make(chan int)
	go func() {
		for _, n := range nums {
			out <- n // blocks until the next stage receives
		}
		close(out)
	}()
	return out
}

// sq receives values from in, squares them and sends them on the returned
// channel, until in is closed. Then sq closes the returned channel.
func sq(in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		for n := range in {
			out <- n * n
		}
		close(out)
	}()
	return out
}

// square is the article's first main: a pipeline of two stages.
func square(w io.Writer) {
	// Set up the pipeline.
	c := gen(2, 3)
	out := sq(c)

	// Consume the output.
	fmt.Fprintln(w, <-out) // 4
	fmt.Fprintln(w, <-out) // 9
}

// merge receives values from each input channel and sends them on the
// returned channel. merge closes the returned channel after all the input
// values have been sent.
func merge(cs ...<-chan int) <-chan int {
	var wg sync.WaitGroup
	out := make(chan int)

	// Start an output goroutine for each input channel in cs. output copies
	// values from c to out until c is closed.
	output := func(c <-chan int) {
		for n := range c {
			out <- n
		}
	}
	// Changed: wg.Go (Go 1.25) for the article's wg.Add and go statements
	// whose functions call wg.Done; the same in mergeDone, sumFiles and
	// bounded's MD5All. wg.Go counts a goroutine before starting it.
	for _, c := range cs {
		wg.Go(func() { output(c) })
	}

	// Start a goroutine to close out once all the output goroutines are
	// done. This must start after the last wg.Go call.
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// fanOut is the article's second main: two sq read from one channel (fan-out)
// and merge gathers their outputs into one (fan-in).
func fanOut(w io.Writer) {
	in := gen(2, 3)

	// Distribute the sq work across two goroutines that both read from in.
	c1 := sq(in)
	c2 := sq(in)

	// Consume the merged output from c1 and c2.
	for n := range merge(c1, c2) {
		fmt.Fprintln(w, n) // 4 then 9, or 9 then 4
	}
}

// stopShort is the article's main that stops short: it takes the first value
// and no more, so one of merge's output goroutines stays blocked sending the
// second.
func stopShort(w io.Writer) <-chan int {
	in := gen(2, 3)

	// Distribute the sq work across two goroutines that both read from in.
	c1 := sq(in)
	c2 := sq(in)

	// Consume the first value from the output.
	out := merge(c1, c2)
	fmt.Fprintln(w, <-out) // 4 or 9
	// Since we didn't receive the second value from out, one of the output
	// goroutines is hung attempting to send it.
	return out // Changed: returned, so that show can print the blocked sender's value and release it.
}

// genDone sends the values in nums on the returned channel, then closes it.
// Changed: the article redefines gen, sq and merge with a done parameter; one
// package cannot hold two functions of one name, hence genDone, sqDone and
// mergeDone. (Its two steps in between, which it rejects, are left out: a
// buffer on merge's out, and a value sent on done for each blocked sender.)
func genDone(done <-chan struct{}, nums ...int) <-chan int {
	// The buffer holds every value, so these sends cannot block and need no
	// goroutine; we ignore done here for that reason.
	out := make(chan int, len(nums))
	for _, n := range nums {
		out <- n
	}
	close(out)
	return out
}

// sqDone receives values from in, squares them and sends them on the
// returned channel, until in or done is closed. Then sqDone closes the
// returned channel.
func sqDone(done <-chan struct{}, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out) // on every return path
		for n := range in {
			select {
			case out <- n * n:
			case <-done:
				return
			}
		}
	}()
	return out
}

// mergeDone receives values from each input channel and sends them on the
// returned channel. mergeDone closes the returned channel after all the input
// values have been sent or after done is closed.
func mergeDone(done <-chan struct{}, cs ...<-chan int) <-chan int {
	var wg sync.WaitGroup
	out := make(chan int)

	// Start an output goroutine for each input channel in cs. output copies
	// values from c to out until c or done is closed. It may return without
	// draining c: its sender, sqDone, stops too once done is closed.
	output := func(c <-chan int) {
		for n := range c {
			select {
			case out <- n:
			case <-done:
				return
			}
		}
	}
	for _, c := range cs {
		wg.Go(func() { output(c) })
	}

	// Start a goroutine to close out once all the output goroutines are
	// done. This must start after the last wg.Go call.
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// cancellation is the article's main with explicit cancellation: it too
// takes only the first value, and closing done on return releases every
// stage.
func cancellation(w io.Writer) {
	// Set up a done channel that's shared by the whole pipeline, and close
	// that channel when this pipeline exits, as a signal for all the
	// goroutines we started to exit.
	done := make(chan struct{})
	defer close(done)

	in := genDone(done, 2, 3)

	// Distribute the sq work across two goroutines that both read from in.
	c1 := sqDone(done, in)
	c2 := sqDone(done, in)

	// Consume the first value from output.
	out := mergeDone(done, c1, c2)
	fmt.Fprintln(w, <-out) // 4 or 9

	// done will be closed by the deferred call.
}

// Changed: the three MD5Alls (and sumFiles, walkFiles and digester, which
// they call) are methods, and what they read with travels in a value, so a
// caller chooses the reader in place of the article's ioutil.ReadFile: the
// program's counts the reads under way and waits like a slow disk.
type files struct {
	readFile func(name string) ([]byte, error) // reads a whole file
}

// serial digests one file after another.
type serial struct{ files }

// MD5All reads all the files in the file tree rooted at root and returns a
// map from file path to the MD5 sum of the file's contents. If the directory
// walk fails or any read operation fails, MD5All returns an error.
func (s serial) MD5All(root string) (map[string][md5.Size]byte, error) {
	m := make(map[string][md5.Size]byte)
	// Changed: filepath.WalkDir (Go 1.16) for the article's filepath.Walk,
	// which stats every file; the same in sumFiles and walkFiles.
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := s.readFile(path)
		if err != nil {
			return err
		}
		m[path] = md5.Sum(data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// A result is the product of reading and summing a file using MD5.
type result struct {
	path string
	sum  [md5.Size]byte
	err  error
}

// parallel digests every file in a goroutine of its own.
type parallel struct{ files }

// sumFiles starts goroutines to walk the directory tree at root and digest
// each regular file. These goroutines send the results of the digests on the
// result channel and send the result of the walk on the error channel. If
// done is closed, sumFiles abandons its work.
func (p parallel) sumFiles(done <-chan struct{}, root string) (<-chan result, <-chan error) {
	// For each regular file, start a goroutine that sums the file and sends
	// the result on c. Send the result of the walk on errc.
	c := make(chan result)
	errc := make(chan error, 1)
	go func() {
		var wg sync.WaitGroup
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.Type().IsRegular() {
				return nil
			}
			wg.Go(func() {
				data, err := p.readFile(path)
				select {
				case c <- result{path, md5.Sum(data), err}:
				case <-done: // MD5All has returned: nobody will receive.
				}
			})
			// Abort the walk if done is closed.
			select {
			case <-done:
				return errors.New("walk canceled")
			default:
				return nil
			}
		})
		// WalkDir has returned, so all calls to wg.Go are done. Start a
		// goroutine to close c once all the sends are done.
		go func() {
			wg.Wait()
			close(c)
		}()
		// No select needed here, since errc is buffered.
		errc <- err
	}()
	return c, errc
}

// MD5All reads all the files in the file tree rooted at root and returns a
// map from file path to the MD5 sum of the file's contents. If the directory
// walk fails or any read operation fails, MD5All returns an error. In that
// case, MD5All does not wait for inflight read operations to complete.
func (p parallel) MD5All(root string) (map[string][md5.Size]byte, error) {
	// MD5All closes the done channel when it returns; it may do so before
	// receiving all the values from c and errc.
	done := make(chan struct{})
	defer close(done)

	c, errc := p.sumFiles(done, root)

	m := make(map[string][md5.Size]byte)
	for r := range c {
		if r.err != nil {
			return nil, r.err
		}
		m[r.path] = r.sum
	}
	if err := <-errc; err != nil {
		return nil, err
	}
	return m, nil
}

// bounded digests files in a fixed number of goroutines.
type bounded struct {
	files
	numDigesters int // Changed: the article's constant (20) is a field, so -digesters can set it.
}

// walkFiles starts a goroutine to walk the directory tree at root and send
// the path of each regular file on the string channel. It sends the result of
// the walk on the error channel. If done is closed, walkFiles abandons its
// work.
func (b bounded) walkFiles(done <-chan struct{}, root string) (<-chan string, <-chan error) {
	paths := make(chan string)
	errc := make(chan error, 1)
	go func() {
		// Close the paths channel after WalkDir returns.
		defer close(paths)
		// No select needed for this send, since errc is buffered.
		errc <- filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.Type().IsRegular() {
				return nil
			}
			select {
			case paths <- path: // blocks until a digester is free
			case <-done:
				return errors.New("walk canceled")
			}
			return nil
		})
	}()
	return paths, errc
}

// digester reads path names from paths and sends digests of the
// corresponding files on c until either paths or done is closed.
func (b bounded) digester(done <-chan struct{}, paths <-chan string, c chan<- result) {
	for path := range paths {
		data, err := b.readFile(path)
		select {
		case c <- result{path, md5.Sum(data), err}:
		case <-done:
			return
		}
	}
}

// MD5All reads all the files in the file tree rooted at root and returns a
// map from file path to the MD5 sum of the file's contents. If the directory
// walk fails or any read operation fails, MD5All returns an error. In that
// case, MD5All does not wait for inflight read operations to complete.
func (b bounded) MD5All(root string) (map[string][md5.Size]byte, error) {
	// MD5All closes the done channel when it returns; it may do so before
	// receiving all the values from c and errc.
	done := make(chan struct{})
	defer close(done)

	paths, errc := b.walkFiles(done, root)

	// Start a fixed number of goroutines to read and digest files.
	c := make(chan result)
	var wg sync.WaitGroup
	for range b.numDigesters {
		wg.Go(func() { b.digester(done, paths, c) })
	}
	go func() {
		wg.Wait()
		close(c) // several digesters send on c, so none of them may close it
	}()

	m := make(map[string][md5.Size]byte)
	for r := range c {
		if r.err != nil {
			return nil, r.err
		}
		m[r.path] = r.sum
	}
	// Check whether the walk failed. Not any earlier: until c is drained,
	// walkFiles may be blocked sending on paths and never reach errc.
	if err := <-errc; err != nil {
		return nil, err
	}
	return m, nil
}
