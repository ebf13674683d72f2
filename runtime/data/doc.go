// Package data loads datasets for nncc training binaries and batches them.
//
// A Dataset is held in memory as row-major float32 features with either integer class
// labels or float regression targets. Readers cover the IDX format of MNIST (ReadIDX,
// LoadIDX, with gzip), MNIST itself (LocateMNIST finds the files in the Go module cache,
// LoadMNIST reads them) and numeric CSV (LoadCSV, ReadCSVFeatures). A Batcher yields
// shuffled or in-order mini-batches without allocating per batch.
//
// Readers return errors that name the file and, for text formats, the line, column and
// value. They bound their allocations by the data actually read, so a corrupt header
// cannot make them allocate without limit.
package data
