//go:build !race

package main

// raceTest is false in a test binary built without -race (see race_on_test.go).
const raceTest = false
