package passes

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nncc/nncc/frontend"
	"github.com/nncc/nncc/ir"
)

// fuseText parses the IR text src, schedules it in definition order, runs the
// fuse pass and returns the function.
func fuseText(t *testing.T, src string) *Function {
	t.Helper()
	g, err := ir.Parse("fuse_test.ir", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ctx := &Context{Func: &Function{Name: "test", Graph: g}}
	if err := schedule(ctx); err != nil {
		t.Fatal(err)
	}
	if err := fuse(ctx); err != nil {
		t.Fatal(err)
	}
	if err := planMemory(ctx); err != nil {
		t.Fatal(err)
	}
	if err := CheckPlan(ctx.Func); err != nil {
		t.Fatalf("the plan after fusion is invalid: %v", err)
	}
	return ctx.Func
}

// stepText describes f's steps by value reference: one step per line, internal
// values marked with *, values written into their target with >, and epilogue
// steps followed by "(epilogue)".
func stepText(f *Function) string {
	var lines []string
	for _, s := range f.StepsOf() {
		var refs []string
		for _, v := range s.Values {
			r := v.Ref()
			switch {
			case s.Internal[v]:
				r += "*"
			case s.Into[v] != nil:
				r += ">" + s.Into[v].Ref()
			}
			refs = append(refs, r)
		}
		if s.Epilogue {
			refs = append(refs, "(epilogue)")
		}
		lines = append(lines, strings.Join(refs, " "))
	}
	return strings.Join(lines, "\n")
}

func TestFuseChains(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{{
		name: "a chain keeps only its last value",
		src: `graph g maxbatch=4 {
  %0 = input "x" : f32[N,3]
  %1 = param "b" zeros : f32[3]
  %2 = add %0, %1 : f32[N,3]
  %3 = relu %2 : f32[N,3]
  output "output" = %3
}`,
		want: "%2* %3",
	}, {
		name: "a value used outside the chain is stored",
		src: `graph g maxbatch=4 {
  %0 = input "x" : f32[N,3]
  %1 = sqrt %0 : f32[N,3]
  %2 = neg %1 : f32[N,3]
  %3 = sum %1 axes=[0] : f32[3]
  %4 = add %2, %1 : f32[N,3]
  output "output" = %4
  output "loss" = %3
}`,
		// The sum folds %1 into its result in the loop that computes %1, and %4
		// joins the loop too, because it does not use the sum.
		want: "%1* %2* %3 %4",
	}, {
		name: "an outside use closes the chain",
		src: `graph g maxbatch=4 {
  %0 = input "x" : f32[N,3]
  %1 = param "w" zeros : f32[3,3]
  %2 = neg %0 : f32[N,3]
  %3 = matmul %2, %1 : f32[N,3]
  %4 = sqrt %2 : f32[N,3]
  %5 = add %3, %4 : f32[N,3]
  output "output" = %5
}`,
		// %4 may not join %2: the matmul reads %2 between them, and the loop
		// would run after the matmul.
		want: "%2\n%3\n%4* %5",
	}, {
		name: "a value using a reduction does not join its loop",
		src: `graph g maxbatch=4 {
  %0 = input "x" : f32[N,3]
  %1 = reduce_max %0 axes=[1] keepdims : f32[N,1]
  %2 = sqrt %0 : f32[N,3]
  %3 = sum %2 axes=[1] keepdims : f32[N,1]
  %4 = div %2, %3 : f32[N,3]
  output "output" = %4
  output "loss" = %1
}`,
		want: "%1\n%2 %3\n%4",
	}, {
		name: "float32 exp runs alone and float64 exp fuses",
		src: `graph g maxbatch=4 {
  %0 = input "x" : f32[N,3]
  %1 = neg %0 : f32[N,3]
  %2 = exp %1 : f32[N,3]
  %3 = neg %2 : f32[N,3]
  %4 = cast %3 : f64[N,3]
  %5 = neg %4 : f64[N,3]
  %6 = exp %5 : f64[N,3]
  output "output" = %6
}`,
		want: "%1\n%2\n%3* %4* %5* %6",
	}, {
		name: "shapes differ",
		src: `graph g maxbatch=4 {
  %0 = input "x" : f32[N,3]
  %1 = neg %0 : f32[N,3]
  %2 = reshape %1 : f32[N,3,1]
  %3 = sqrt %2 : f32[N,3,1]
  %4 = neg %3 : f32[N,3,1]
  output "output" = %4
}`,
		want: "%1\n%2\n%3* %4",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := fuseText(t, tc.src)
			if got := stepText(f); got != tc.want {
				t.Errorf("steps:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestFuseUpdatesInPlace(t *testing.T) {
	src := `graph g maxbatch=4 {
  %0 = input "x" : f32[N,3]
  %1 = param "w" zeros : f32[3]
  %2 = state "m" zeros : f32[3]
  %3 = mul %0, %1 : f32[N,3]
  %4 = sum %3 axes=[0] : f32[3]
  %5 = add %2, %4 : f32[3]
  %6 = sub %1, %5 : f32[3]
  output "output" = %3
  update %2 = %5
  update %1 = %6
}`
	f := fuseText(t, src)
	if got, want := stepText(f), "%3 %4\n%5>%2 %6>%1"; got != want {
		t.Errorf("steps:\n%s\nwant:\n%s", got, want)
	}

	// A later reader of the target keeps the update value in the arena.
	later := strings.Replace(src, `  output "output" = %3`, `  %7 = neg %1 : f32[3]
  %8 = reshape %7 : f32[1,3]
  output "output" = %3
  output "w_old" = %8`, 1)
	f = fuseText(t, later)
	if got, want := stepText(f), "%3 %4\n%5>%2 %6\n%7\n%8"; got != want {
		t.Errorf("with a later reader of w, steps:\n%s\nwant:\n%s", got, want)
	}
}

// TestFuseExampleOptimizers checks that every optimizer update of the example
// models' parameters goes straight into the parameter.
func TestFuseExampleOptimizers(t *testing.T) {
	for _, model := range []string{"mnist", "binary"} {
		m, err := frontend.ParseFile(filepath.Join("..", "examples", model, model+".nnc"))
		if err != nil {
			t.Fatal(err)
		}
		p := mustBuild(t, m, Options{})
		into := make(map[*ir.Value]bool)
		for _, s := range p.Train.StepsOf() {
			for _, target := range s.Into {
				into[target] = true
			}
		}
		for _, u := range p.Train.Graph.Updates {
			if u.Target.Op == ir.OpParam && !into[u.Target] {
				t.Errorf("%s: the update of %q is not written in place", model, u.Target.Attrs.Name)
			}
		}
	}
}
