package main

// The Markov chain of the "Generating arbitrary text" codewalk, in the
// version the talk uses: safe for concurrent use, because every chat feeds it
// and every bot reads it.

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"sync"
	"unicode/utf8"
)

// A Prefix holds the last few words read or generated: the context in which
// a chain looks up which word may come next.
type Prefix []string

// String joins the words with spaces: the chain's key for this context.
func (p Prefix) String() string {
	return strings.Join(p, " ")
}

// Shift moves the context on by one word: the oldest drops out, word comes in.
func (p Prefix) Shift(word string) {
	copy(p, p[1:])
	p[len(p)-1] = word
}

// What a chain learns is bounded in words and in bytes (each word learned,
// and each prefix the first time it is learned), and a longer word is cut to
// maxWordLen bytes before it is learned: however much and however clients
// type, the chain stays small.
const (
	maxSuffixes = 10_000
	maxBytes    = 256 << 10
	maxWordLen  = 64
)

// A Chain maps each context of prefixLen words it has seen (as
// Prefix.String gives it) to every word that followed it, once per time it
// did: a word is chosen in proportion to how often it came after that
// context. mu guards the map chain, above it, and the fields below it;
// prefixLen never changes.
type Chain struct {
	chain     map[string][]string
	prefixLen int
	mu        sync.Mutex
	// Changed: what the chain has learned, in words and in bytes, so that
	// learning stops at the bounds above.
	suffixes, size int
	rand           *rand.Rand // Changed: the chain's own seeded source, so -seed replays the bot.
}

// NewChain returns an empty Chain whose contexts are prefixLen words long and
// whose choices come from a random source of the given seed.
func NewChain(prefixLen int, seed uint64) *Chain {
	return &Chain{
		chain:     make(map[string][]string),
		prefixLen: prefixLen,
		rand:      rand.New(rand.NewPCG(seed, 0)),
	}
}

// Write learns the words in b, each as the one that follows the words before
// it. Each call starts from an empty context, so the first words of each
// write are where generated text starts.
func (c *Chain) Write(b []byte) (int, error) {
	c.mu.Lock() // Changed: once per write, not once per word.
	defer c.mu.Unlock()
	// Changed: bytes.Fields instead of the codewalk's fmt.Fscan per word, and
	// nothing at all once the chain is full: every byte a client types passes
	// through here on its way to its partner.
	if c.suffixes >= maxSuffixes || c.size >= maxBytes {
		return len(b), nil
	}
	p := make(Prefix, c.prefixLen)
	for _, word := range bytes.Fields(b) {
		s := string(cut(word)) // Changed: at most maxWordLen bytes.
		key := p.String()
		size := len(s)
		if _, ok := c.chain[key]; !ok {
			size += len(key)
		}
		if c.suffixes >= maxSuffixes || c.size+size > maxBytes {
			break
		}
		c.chain[key] = append(c.chain[key], s)
		c.suffixes++
		c.size += size
		p.Shift(s)
	}
	return len(b), nil
}

// cut returns word's first maxWordLen bytes, or fewer so as not to split a
// UTF-8 character.
func cut(word []byte) []byte {
	if len(word) <= maxWordLen {
		return word
	}
	n := maxWordLen
	for n > 0 && !utf8.RuneStart(word[n]) {
		n--
	}
	return word[:n]
}

// Generate starts from the empty context and chooses up to n words, each at
// random among those that followed the context so far; it stops early where
// nothing ever followed.
func (c *Chain) Generate(n int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := make(Prefix, c.prefixLen)
	var words []string
	for range n {
		choices := c.chain[p.String()]
		if len(choices) == 0 {
			break
		}
		next := choices[c.rand.IntN(len(choices))]
		words = append(words, next)
		p.Shift(next)
	}
	return strings.Join(words, " ")
}

// seedText is what the bot knows before anyone types: a few lines of our
// own, each written to the chain on its own so that each line's first words
// can start a sentence.
const seedText = `Hello there, stranger.
Hello, is anyone out there digging tonight?
Gophers like to chat while they dig.
A channel is a tunnel between two gophers.
Say something and I will say something back.
Do you like goroutines? I like goroutines more than threads.
Two gophers meet, talk for a while, and go home.
I am not a bot, I am a gopher with a keyboard.
Nobody else came, so you get me.
Share memory by communicating, they told me.`

// newSeededChain returns a chain with prefixes of two words that has learned
// seedText. (Changed: the talk's chain starts empty; this one starts from our
// own lines, so a bot that has heard nobody yet still has something to say.)
func newSeededChain(seed uint64) *Chain {
	chain := NewChain(2, seed) // 2-word prefixes
	for line := range strings.Lines(seedText) {
		chain.Write([]byte(line))
	}
	return chain
}
