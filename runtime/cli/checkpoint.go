package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// checkSavePath rejects a --save path whose directory does not exist, before training
// spends any time.
func checkSavePath(path string) error {
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	if err != nil {
		return badInput("--save %s: %v", path, err)
	}
	if !info.IsDir() {
		return badInput("--save %s: %s is not a directory", path, dir)
	}
	// A directory at path would make the final rename fail after training, losing
	// the trained weights, so it is rejected before training starts.
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return badInput("--save %s: is a directory; name a checkpoint file, for example %s", path, filepath.Join(path, "model.safetensors"))
	}
	return nil
}

// saveCheckpoint writes the model's checkpoint to a temporary file in the directory of
// path and renames it to path, so path never holds a partial checkpoint.
func saveCheckpoint(path string, m Model) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("saving checkpoint: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	w := bufio.NewWriter(tmp)
	if _, err := m.WriteTo(w); err != nil {
		return fmt.Errorf("saving checkpoint %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("saving checkpoint %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("saving checkpoint %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("saving checkpoint %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving checkpoint %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("saving checkpoint: %w", err)
	}
	return nil
}

// loadCheckpoint restores the model from the checkpoint at path.
func loadCheckpoint(path string, m Model) error {
	f, err := os.Open(path)
	if err != nil {
		return badInput("--load: %v", err)
	}
	defer f.Close()
	if _, err := m.ReadFrom(bufio.NewReader(f)); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return badInput("--load: %v", err)
		}
		return badInput("--load %s: invalid checkpoint: %v", path, err)
	}
	return nil
}
