//go:build race

package main

// raceDetector is true in a program built with -race (see race_off.go).
const raceDetector = true
