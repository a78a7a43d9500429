package main

// The goroutine ledger: the program's last line says whether every goroutine
// it started has ended. This file is the same in every folder.

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// ledger waits up to grace for goroutines that were released to finish, then
// writes how many are still running and, where that is not 0, where each group
// of them is blocked or sleeping. It counts every goroutine but the caller's
// and the loop that os/signal starts once for the life of the process.
func ledger(w io.Writer, grace time.Duration) {
	deadline := time.Now().Add(grace)
	stacks := others()
	for len(stacks) > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
		stacks = others()
	}
	if len(stacks) == 0 {
		fmt.Fprintln(w, "goroutines still running: 0")
		return
	}
	fmt.Fprintf(w, "goroutines still running: %d (main's return ends them)\n", len(stacks))
	type group struct {
		file, what string
		line, n    int
	}
	var groups []group
	for _, pcs := range stacks {
		g := whereIs(pcs)
		if i := slices.IndexFunc(groups, func(h group) bool { return h.what == g.what }); i >= 0 {
			groups[i].n++
		} else {
			groups = append(groups, group{g.File, g.what, g.Line, 1})
		}
	}
	slices.SortFunc(groups, func(a, b group) int { return cmp.Or(cmp.Compare(a.file, b.file), cmp.Compare(a.line, b.line)) })
	for _, g := range groups {
		fmt.Fprintf(w, "  %d %s\n", g.n, g.what)
	}
}

// others returns the stack, as program counters, of every goroutine but the
// caller and os/signal's loop.
func others() [][]uintptr {
	n, _ := runtime.GoroutineProfile(nil)
	records := make([]runtime.StackRecord, n+16)
	for {
		var ok bool
		if n, ok = runtime.GoroutineProfile(records); ok {
			break
		}
		records = make([]runtime.StackRecord, n+16) // more goroutines started meanwhile
	}
	var stacks [][]uintptr
	for _, r := range records[:n] {
		if pcs := r.Stack(); !runs(pcs, program+"others") && !runs(pcs, "os/signal.loop") {
			stacks = append(stacks, pcs)
		}
	}
	return stacks
}

// program is the prefix of this program's function names: "main." in a built
// program, the package's path and a dot in its test binary.
var program = func() string {
	pc, _, _, _ := runtime.Caller(0)
	name := runtime.FuncForPC(pc).Name() // the prefix, then "init.func1"
	return name[:strings.LastIndex(name, "init.")]
}()

// runs reports whether the stack pcs runs the function named fn.
func runs(pcs []uintptr, fn string) bool {
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if f.Function == fn {
			return true
		}
		if !more {
			return false
		}
	}
}

// waits names what a goroutine is doing by the function it is parked in.
var waits = map[string]string{
	"runtime.chansend1":              "sending on a channel",
	"runtime.chanrecv1":              "receiving from a channel",
	"runtime.chanrecv2":              "receiving from a channel",
	"runtime.selectgo":               "waiting in a select",
	"runtime.block":                  "blocked for ever in an empty select",
	"time.Sleep":                     "sleeping",
	"sync.(*WaitGroup).Wait":         "waiting for a WaitGroup",
	"sync.(*Mutex).Lock":             "waiting for a mutex",
	"sync.(*RWMutex).Lock":           "waiting for a mutex",
	"sync.(*RWMutex).RLock":          "waiting for a mutex",
	"sync.(*Cond).Wait":              "waiting on a sync.Cond",
	"internal/poll.runtime_pollWait": "waiting for the network or a file",
}

// whereIs returns the first frame of this program on the stack pcs (or, with
// none, the first outside the runtime), and a line that says what the
// goroutine is doing there, or that it has not started yet.
func whereIs(pcs []uintptr) (f struct {
	runtime.Frame
	what string
}) {
	doing := "running"
	var outside runtime.Frame
	frames := runtime.CallersFrames(pcs)
	for more := true; more; {
		var fr runtime.Frame
		fr, more = frames.Next()
		if d, ok := waits[fr.Function]; ok && doing == "running" {
			doing = d
		}
		if strings.HasPrefix(fr.Function, program) {
			outside = fr
			outside.Function = strings.TrimPrefix(fr.Function, program)
			break
		}
		if outside.Function == "" && !strings.HasPrefix(fr.Function, "runtime.") && waits[fr.Function] == "" {
			outside = fr
		}
	}
	f.Frame = outside
	if outside.Function == "" { // a goroutine that has not run yet holds only runtime.goexit
		f.what = "not started yet"
		return f
	}
	f.File = filepath.Base(outside.File)
	f.what = fmt.Sprintf("%s in %s at %s:%d", doing, outside.Function, f.File, outside.Line)
	return f
}
