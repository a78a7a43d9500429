//go:build race

package main

// raceTest is true in a test binary built with -race (see race_off_test.go).
const raceTest = true
