package passes

import (
	"path/filepath"
	"testing"

	"github.com/nncc/nncc/frontend"
)

// epilogueText describes f's epilogue steps as stepText does, one per line.
func epilogueText(f *Function) string {
	g := &Function{Name: f.Name, Graph: f.Graph}
	for _, s := range f.StepsOf() {
		if s.Epilogue {
			g.Steps = append(g.Steps, s)
		}
	}
	if g.Steps == nil {
		return ""
	}
	return stepText(g)
}

func TestFuseEpilogues(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{{
		name: "a dense layer with ReLU keeps only the activation",
		src: `graph g maxbatch=4 {
  %0 = input "x" : f32[N,3]
  %1 = param "w" zeros : f32[5,3]
  %2 = param "b" zeros : f32[5]
  %3 = matmul %0, %1 transB : f32[N,5]
  %4 = add %3, %2 : f32[N,5]
  %5 = relu %4 : f32[N,5]
  output "output" = %5
}`,
		want: "%3* %4* %5 (epilogue)",
	}, {
		name: "the sum is stored when a later op reads it",
		src: `graph g maxbatch=4 {
  %0 = input "x" : f32[N,3]
  %1 = param "w" zeros : f32[3,5]
  %2 = param "b" zeros : f32[1,5]
  %3 = matmul %0, %1 : f32[N,5]
  %4 = add %2, %3 : f32[N,5]
  %5 = relu %4 : f32[N,5]
  %6 = neg %4 : f32[N,5]
  %7 = add %5, %6 : f32[N,5]
  output "output" = %7
}`,
		want: "%3* %4 %5 (epilogue)",
	}, {
		name: "a reader of the sum before the ReLU keeps the ReLU out",
		src: `graph g maxbatch=4 {
  %0 = input "x" : f32[N,3]
  %1 = param "w" zeros : f32[3,5]
  %2 = param "b" zeros : f32[5]
  %3 = matmul %0, %1 : f32[N,5]
  %4 = add %3, %2 : f32[N,5]
  %5 = neg %4 : f32[N,5]
  %6 = relu %4 : f32[N,5]
  %7 = add %5, %6 : f32[N,5]
  output "output" = %7
}`,
		want: "%3* %4 (epilogue)",
	}, {
		name: "a product read twice is no epilogue",
		src: `graph g maxbatch=4 {
  %0 = input "x" : f32[N,3]
  %1 = param "w" zeros : f32[3,5]
  %2 = param "b" zeros : f32[5]
  %3 = matmul %0, %1 : f32[N,5]
  %4 = add %3, %2 : f32[N,5]
  %5 = add %4, %3 : f32[N,5]
  output "output" = %5
}`,
		want: "",
	}, {
		name: "of two products added together the first takes the add",
		src: `graph g maxbatch=4 {
  %0 = input "x" : f32[1,3]
  %1 = param "w" zeros : f32[3,5]
  %2 = param "v" zeros : f32[3,5]
  %3 = matmul %0, %1 : f32[1,5]
  %4 = matmul %0, %2 : f32[1,5]
  %5 = add %3, %4 : f32[1,5]
  output "output" = %5
}`,
		want: "%3* %5 (epilogue)",
	}, {
		name: "a bias per row is no epilogue",
		src: `graph g maxbatch=4 {
  %0 = input "x" : f32[N,3]
  %1 = param "w" zeros : f32[3,5]
  %2 = input "b" : f32[N,1]
  %3 = matmul %0, %1 : f32[N,5]
  %4 = add %3, %2 : f32[N,5]
  output "output" = %4
}`,
		want: "",
	}, {
		name: "float64 products keep separate loops",
		src: `graph g maxbatch=4 {
  %0 = input "x" : f64[N,3]
  %1 = param "w" zeros : f64[3,5]
  %2 = param "b" zeros : f64[5]
  %3 = matmul %0, %1 : f64[N,5]
  %4 = add %3, %2 : f64[N,5]
  output "output" = %4
}`,
		want: "",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := fuseText(t, tc.src)
			if got := epilogueText(f); got != tc.want {
				t.Errorf("epilogue steps:\n%s\nwant:\n%s\nall steps:\n%s", got, tc.want, stepText(f))
			}
		})
	}
}

func TestFuseEpiloguesInMNISTExample(t *testing.T) {
	m, err := frontend.ParseFile(filepath.Join("..", "examples", "mnist", "mnist.nnc"))
	if err != nil {
		t.Fatal(err)
	}
	p := mustBuild(t, m, Options{})
	want := map[string]string{
		// fc1 keeps its sum for the ReLU's gradient in train only.
		"predict": "%4* %5* %6 (epilogue)\n%9* %10 (epilogue)",
		"train":   "%4* %5 %6 (epilogue)\n%9* %10 (epilogue)",
	}
	for _, f := range []*Function{p.Predict, p.Train} {
		if got := epilogueText(f); got != want[f.Name] {
			t.Errorf("%s: epilogue steps:\n%s\nwant:\n%s", f.Name, got, want[f.Name])
		}
	}
}
