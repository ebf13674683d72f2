// Command gendata writes the data set of the binary example: train.csv (4000 rows)
// and test.csv (1000 rows) next to binary.nnc.
//
// After a header row, each row has ten features drawn uniformly from [-1, 1] and, in the last column,
// the target 1 if x0 + x1*x2 - 0.5*x3 > 0 and 0 otherwise. Features 4 to 9 do not
// affect the target. Features are rounded to four decimals before the target is
// computed, so the rule holds exactly for the values in the files. The generator is
// seeded, so every run writes the same bytes.
//
// Usage, from the repository root:
//
//	go run ./examples/binary/gendata [-dir examples/binary]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

const (
	features  = 10
	trainRows = 4000
	testRows  = 1000
	seed      = 20240601
)

func main() {
	dir := flag.String("dir", "", "directory to write into (default: the one holding binary.nnc, "+
		"searched in . and examples/binary)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gendata [-dir DIR]")
		os.Exit(2)
	}
	if *dir == "" {
		*dir = modelDir()
	}
	if err := writeAll(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
}

// modelDir returns the first of . and examples/binary that holds binary.nnc, and
// exits if neither does.
func modelDir() string {
	for _, d := range []string{".", filepath.Join("examples", "binary")} {
		if _, err := os.Stat(filepath.Join(d, "binary.nnc")); err == nil {
			return d
		}
	}
	fmt.Fprintln(os.Stderr, "gendata: binary.nnc is not in . or examples/binary; pass -dir")
	os.Exit(2)
	return ""
}

// writeAll writes train.csv, then test.csv, from one random stream.
func writeAll(dir string) error {
	rng := rand.New(rand.NewPCG(seed, 0))
	if err := writeCSV(filepath.Join(dir, "train.csv"), trainRows, rng); err != nil {
		return err
	}
	return writeCSV(filepath.Join(dir, "test.csv"), testRows, rng)
}

// writeCSV writes rows rows of features and target to path, through a temporary
// file that is renamed into place.
func writeCSV(path string, rows int, rng *rand.Rand) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	// The header row is skipped by the CSV reader because its cells are not numbers.
	for j := range features {
		fmt.Fprintf(w, "x%d,", j)
	}
	w.WriteString("y\n")
	var buf []byte
	x := make([]float64, features)
	for range rows {
		buf = buf[:0]
		for j := range x {
			x[j] = math.Round((2*rng.Float64()-1)*1e4) / 1e4
			if x[j] == 0 {
				x[j] = 0 // no "-0.0000" in the file
			}
			buf = strconv.AppendFloat(buf, x[j], 'f', 4, 64)
			buf = append(buf, ',')
		}
		buf = append(buf, "01"[target(x)], '\n')
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// target returns 1 where the rule x0 + x1*x2 - 0.5*x3 > 0 holds, else 0.
func target(x []float64) int {
	if x[0]+x[1]*x[2]-0.5*x[3] > 0 {
		return 1
	}
	return 0
}
