package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	listen := flag.Duration("listen", 200*time.Millisecond, `how long main listens before it leaves (0s to 10s); 0s is the talk's "Ignoring it": main returns at once, and the closing count finds boring before or just after its first word`)
	seed := flag.Uint64("seed", 9, "seed for boring's random pauses")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "main starts boring with go, listens while it talks, then leaves; main's return ends boring.")
		fmt.Fprintln(os.Stderr, "usage: go run ./01_goroutines [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := check(*listen, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		flag.Usage()
		os.Exit(2)
	}
	show(os.Stdout, *listen, *seed)
	ledger(os.Stdout, 0) // no grace: boring is still talking, and the line says so
}

// check returns an error unless listen is in range and no argument follows
// the flags.
func check(listen time.Duration, args []string) error {
	if listen < 0 || listen > 10*time.Second {
		return fmt.Errorf("-listen must be between 0s and 10s, got %v", listen)
	}
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// show is the whole program but its flags: main starts boring, which would
// say 1000 messages (about 50s of talk, pausing as seed draws up to the talk's
// 1s over ten), listens for listen (0: not at all) and returns with boring
// still talking. Both write lines to w: it must take writes from two goroutines.
func show(w io.Writer, listen time.Duration, seed uint64) {
	pause := randomPauses(seed, 1, 100*time.Millisecond)
	if listen == 0 {
		fmt.Fprintln(w, `main runs go boring("boring!") and returns at once ("Ignoring it"):`)
		ignoringIt(w, 1000, pause)
		return
	}
	fmt.Fprintf(w, "main runs go boring(\"boring!\"), listens for %v, then leaves:\n", listen)
	ignoringItALittleLess(w, listen, 1000, pause)
}
