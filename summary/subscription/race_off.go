//go:build !race

package main

// raceDetector is false in a program built without -race (see race_on.go).
const raceDetector = false
