package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
)

// modulePath is the import path of the nncc module.
const modulePath = "github.com/nncc/nncc"

// findRoot returns the root directory of an nncc module source tree that generated
// code can be compiled against, and how it was found. The order is the one the
// package documentation lists: NNCC_ROOT, the module cache copy of the installed
// version, the source tree the binary was built from, and "go list -m" in the
// current directory.
func findRoot() (dir, foundBy string, err error) {
	if env := os.Getenv("NNCC_ROOT"); env != "" {
		if err := checkRoot(env); err != nil {
			return "", "", asInput(fmt.Errorf("NNCC_ROOT: %w", err))
		}
		return env, "NNCC_ROOT", nil
	}
	if dir := installedRoot(); dir != "" {
		return dir, "module cache", nil
	}
	if dir := sourceRoot(); dir != "" {
		return dir, "source tree of this binary", nil
	}
	dir, err = goListRoot()
	if err != nil {
		return "", "", asInput(fmt.Errorf("nncc module source not found (set NNCC_ROOT to its directory): %w", err))
	}
	return dir, "go list -m " + modulePath, nil
}

// installedRoot returns the module cache directory of the nncc version this binary
// was installed from, or "" if it was built from a working tree or the directory is
// not there.
func installedRoot() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Path != modulePath || !strings.HasPrefix(info.Main.Version, "v") {
		return ""
	}
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return ""
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), modulePath+"@"+info.Main.Version)
	if checkRoot(dir) != nil {
		return ""
	}
	return dir
}

// sourceRoot returns the module root of the source file this function was compiled
// from, or "" if the binary was built with -trimpath or the tree has moved.
func sourceRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return ""
	}
	dir := filepath.Dir(filepath.Dir(filepath.Dir(file))) // strip cmd/nncc/root.go
	if checkRoot(dir) != nil {
		return ""
	}
	return dir
}

// goListRoot returns the directory that "go list -m" reports for the nncc module in
// the current directory's module.
func goListRoot() (string, error) {
	cmd := exec.Command("go", "list", "-m", "-json", modulePath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go list -m %s: %v: %s", modulePath, err, strings.TrimSpace(stderr.String()))
	}
	var m struct{ Dir string }
	if err := json.Unmarshal(out, &m); err != nil {
		return "", fmt.Errorf("go list -m %s: %v", modulePath, err)
	}
	if m.Dir == "" {
		return "", fmt.Errorf("go list -m %s: no directory (module not downloaded)", modulePath)
	}
	return m.Dir, checkRoot(m.Dir)
}

// checkRoot returns an error unless dir holds a go.mod that declares modulePath.
func checkRoot(dir string) error {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "module" {
			if strings.Trim(fields[1], `"`) == modulePath {
				return nil
			}
			return fmt.Errorf("%s declares module %s, want %s", f.Name(), fields[1], modulePath)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return errors.New(f.Name() + " has no module line")
}
