package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

const maxPause = 100 * time.Millisecond // boring's longest: the talk's rand.Intn(1e3) ms over ten

func main() {
	listen := flag.Duration("listen", 200*time.Millisecond, `how long main listens before it leaves (0s to 10s); 0s is the talk's "Ignoring it": main returns at once, and the closing count finds boring before or just after its first word`)
	n := flag.Int("n", -1, "messages boring says before it stops by itself (-1 to 1000); -1: never, like the talk's loop")
	seed := flag.Uint64("seed", 9, "seed for boring's random pauses")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "main starts boring with go, listens while it talks, then leaves; main's return ends boring.")
		fmt.Fprintln(os.Stderr, "usage: go run ./01_goroutines [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := check(*listen, *n, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	show(os.Stdout, *listen, *n, *seed)
	ledger(os.Stdout, 0) // no grace: boring is still talking, and the line says so
}

// check returns an error unless listen and n are in range and no argument
// follows the flags.
func check(listen time.Duration, n int, args []string) error {
	if listen < 0 || listen > 10*time.Second {
		return fmt.Errorf("-listen must be between 0s and 10s, got %v", listen)
	}
	if n < -1 || n > 1000 {
		return fmt.Errorf("-n must be between -1 and 1000, got %d", n)
	}
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show is the whole program but its flags: main starts boring, pausing as seed
// draws, listens for listen (0: not at all) and returns with boring still
// talking. Both write lines to w: it must take writes from two goroutines.
func show(w io.Writer, listen time.Duration, n int, seed uint64) {
	pause := randomPauses(seed, 1, maxPause)
	if listen == 0 {
		fmt.Fprintln(w, `main runs go boring("boring!") and returns at once ("Ignoring it"):`)
		ignoringIt(w, n, pause)
		return
	}
	fmt.Fprintf(w, "main runs go boring(\"boring!\"), listens for %v, then leaves:\n", listen)
	ignoringItALittleLess(w, listen, n, pause)
}
