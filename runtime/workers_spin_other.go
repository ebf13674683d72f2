//go:build !amd64 || purego

package runtime

// spinPause returns at once: this build has no pause instruction, so a polling loop
// polls at full speed and relies on its Gosched calls to yield.
func spinPause() {}
