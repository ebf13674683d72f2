package ir

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseGolden parses each .ir file under testdata, checks that it verifies, and
// that it prints back to exactly its own text: the files are in canonical form.
func TestParseGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.ir"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.ir files")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			g, err := Parse(file, src)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if err := Verify(g); err != nil {
				t.Errorf("Verify: %v", err)
			}
			if got := g.String(); got != string(src) {
				t.Errorf("Print(Parse(file)) differs from the file:\n%s", got)
			}
		})
	}
}

func TestParseAcceptsLooseLayout(t *testing.T) {
	src := "\r\n# a comment line\n  graph   g maxbatch = 2 {  \r\n" +
		"\t%3=input \"x\":f32[ N , 2 ]@f.nnc:1   #   spaced comment  \n" +
		"  # another comment line\n" +
		"%7 = neg %3 : f32[N,2] # \"quoted\"   \n" +
		"output \"y\"=%7\n}\n\n# trailing comment\n"
	g, err := Parse("loose.ir", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := "graph g maxbatch=2 {\n" +
		"  %3 = input \"x\" : f32[N,2]  @f.nnc:1  # spaced comment\n" +
		"  %7 = neg %3 : f32[N,2]  # quoted\n" +
		"  output \"y\" = %7\n}\n"
	if got := g.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if v := g.Add(&Value{Op: OpNeg}); v.ID != 8 {
		t.Errorf("next ID after parsing %%7 is %d, want 8", v.ID)
	}
}

func TestParseKeywordForms(t *testing.T) {
	// Positional and keyword forms of name, init and data are the same attribute.
	src := `graph g maxbatch=1 {
  %0 = param name="w" init=uniform(-1,1) : f32[2]
  %1 = const data=[1, 2] : f32[2]
  %2 = state "s" init=zeros : f32[]
}
`
	g, err := Parse("kw.ir", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := `graph g maxbatch=1 {
  %0 = param "w" uniform(-1,1) : f32[2]
  %1 = const [1, 2] : f32[2]
  %2 = state "s" zeros : f32[]
}
`
	if got := g.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

const parseHeader = "graph g maxbatch=4 {\n"

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // each error line, in order
	}{
		{"empty", "", []string{`t.ir:1: missing graph header "graph NAME maxbatch=N {"`}},
		{"not a header", "grph g maxbatch=1 {\n", []string{
			`t.ir:1:1: expected graph header "graph NAME maxbatch=N {", found "grph"`}},
		{"header without brace", "graph g maxbatch=1\n}\n", []string{`t.ir:1:19: expected "{", found end of line`}},
		{"maxbatch not a number", "graph g maxbatch=x {\n}\n", []string{`t.ir:1:18: invalid integer "x"`}},
		{"maxbatch zero", "graph g maxbatch=0 {\n}\n", []string{`t.ir:1:1: graph "g": MaxBatch is 0, want at least 1`}},
		{"missing close", parseHeader + "  %0 = input \"x\" : f32[N]\n", []string{`t.ir:3: missing } at the end of the graph`}},
		{"text after close", parseHeader + "}\n%0 = input \"x\" : f32[N]\n", []string{
			`t.ir:3:1: unexpected %0 after the end of the graph`}},
		{"unknown statement", parseHeader + "  inputs\n}\n", []string{
			`t.ir:2:3: expected %ID = ..., output, update or }, found "inputs"`}},
		{"unknown op", parseHeader + "  %0 = inptu \"x\" : f32[N]\n}\n", []string{`t.ir:2:8: unknown op "inptu"`}},
		{"bad reference", parseHeader + "  %x = input \"x\" : f32[N]\n}\n", []string{
			`t.ir:2:3: invalid value reference %x, want %ID with a decimal ID`}},
		{"huge ID", parseHeader + "  %99999999999 = input \"x\" : f32[N]\n}\n", []string{
			`t.ir:2:3: value ID 99999999999 is out of range [0, 2147483647]`}},
		{"use before definition", parseHeader + "  %0 = neg %1 : f32[N]\n  %1 = input \"x\" : f32[N]\n}\n", []string{
			`t.ir:2:12: %1 is not defined before use`}},
		{"self use", parseHeader + "  %0 = neg %0 : f32[N]\n}\n", []string{`t.ir:2:12: %0 is not defined before use`}},
		{"duplicate ID", parseHeader + "  %0 = input \"x\" : f32[N]\n  %0 = input \"y\" : f32[N]\n}\n", []string{
			`t.ir:3:3: %0 is already defined on line 2`}},
		{"missing type", parseHeader + "  %0 = input \"x\"\n}\n", []string{`t.ir:2:17: missing ': type' at the end of the value`}},
		{"bad dtype", parseHeader + "  %0 = input \"x\" : f16[N]\n}\n", []string{
			`t.ir:2:20: unknown dtype "f16" (want f32, f64, i32, i64 or bool)`}},
		{"bad dim", parseHeader + "  %0 = input \"x\" : f32[M]\n}\n", []string{`t.ir:2:24: invalid integer "M"`}},
		// Shape stores N as -1, but the text form writes it only as N.
		{"negative dim", parseHeader + "  %0 = const [1] : f32[-1]\n}\n", []string{
			`t.ir:2:24: invalid extent "-1", want a non-negative integer or N`}},
		{"negative end", parseHeader + "  %0 = input \"x\" : f32[N,3]\n  %1 = slice %0 starts=[0,0] ends=[-1,2] : f32[N,2]\n}\n",
			[]string{`t.ir:3:36: invalid extent "-1", want a non-negative integer or N`}},
		{"N not first", parseHeader + "  %0 = input \"x\" : f32[3,N]\n}\n", []string{`t.ir:2:26: N may only be the first dimension`}},
		{"unterminated string", parseHeader + "  %0 = input \"x : f32[N]\n}\n", []string{`t.ir:2:14: invalid string literal`}},
		{"unknown attribute", parseHeader + "  %0 = input \"x\" colour : f32[N]\n}\n", []string{`t.ir:2:18: unknown attribute "colour"`}},
		{"unknown keyword", parseHeader + "  %0 = input \"x\" colour=1 : f32[N]\n}\n", []string{`t.ir:2:18: unknown attribute "colour"`}},
		{"flag with value", parseHeader + "  %0 = input \"x\" keepdims=1 : f32[N]\n}\n", []string{
			`t.ir:2:18: attribute keepdims is a flag and takes no value`}},
		{"attribute twice", parseHeader + "  %0 = input \"x\" name=\"y\" : f32[N]\n}\n", []string{
			`t.ir:2:18: attribute name is given twice`}},
		{"operand after attribute", parseHeader + "  %0 = input \"x\" : f32[2]\n  %1 = concat %0 axis=0 %0 : f32[4]\n}\n", []string{
			`t.ir:3:25: operand %0 after the attributes; operands come first`}},
		{"dangling comma", parseHeader + "  %0 = input \"x\" : f32[2]\n  %1 = add %0, : f32[2]\n}\n", []string{
			`t.ir:3:16: expected operand after ',', found ":"`}},
		{"bad init", parseHeader + "  %0 = param \"w\" glorot(1) : f32[2]\n}\n", []string{
			`t.ir:2:18: unknown init "glorot", want zeros, const(value), uniform(lo,hi) or normal(std)`}},
		{"short init", parseHeader + "  %0 = param \"w\" uniform(1) : f32[2]\n}\n", []string{`t.ir:2:27: expected ",", found ")"`}},
		{"bad number", parseHeader + "  %0 = const [1, two] : f32[2]\n}\n", []string{`t.ir:2:18: invalid number "two"`}},
		{"number out of range", parseHeader + "  %0 = const [1e999] : f32[1]\n}\n", []string{`t.ir:2:15: invalid number "1e999"`}},
		{"bad position", parseHeader + "  %0 = input \"x\" : f32[N] @f:x\n}\n", []string{`t.ir:2:30: invalid line or column number "x"`}},
		{"text after position", parseHeader + "  %0 = input \"x\" : f32[N] @f:1:2:3\n}\n", []string{
			`t.ir:2:33: expected @position, # comment or end of line, found ":"`}},
		{"text after quoted comment", parseHeader + "  %0 = input \"x\" : f32[N] # \"a\" b\n}\n", []string{
			`t.ir:2:32: unexpected text after the quoted comment`}},
		{"bad quoted comment", parseHeader + "  %0 = input \"x\" : f32[N] # \"a\n}\n", []string{`t.ir:2:29: invalid quoted comment`}},
		{"output unquoted", parseHeader + "  %0 = input \"x\" : f32[N]\n  output y = %0\n}\n", []string{
			`t.ir:3:10: expected quoted output name, found "y"`}},
		{"output undefined", parseHeader + "  output \"y\" = %3\n}\n", []string{`t.ir:2:16: %3 is not defined before use`}},
		{"update undefined", parseHeader + "  update %3 = %4\n}\n", []string{`t.ir:2:10: %3 is not defined before use`}},

		// Errors found by Verify's checks, at the line of the value, output or update.
		{"type mismatch", parseHeader + "  %0 = input \"x\" : f32[N,3]\n  %1 = exp %0 : f32[N,4]\n}\n", []string{
			`t.ir:3:3: %1 = exp f32[N,4]: type is f32[N,4], want f32[N,3] from the operands and attributes`}},
		{"dtype mismatch", parseHeader + "  %0 = input \"x\" : f32[2]\n  %1 = lt %0, %0 : f32[2]\n}\n", []string{
			`t.ir:3:3: %1 = lt f32[2]: type is f32[2], want bool[2] from the operands and attributes`}},
		{"builder error", parseHeader + "  %0 = input \"x\" : f32[N,3]\n  %1 = input \"w\" : f32[4,5]\n" +
			"  %2 = matmul %0, %1 : f32[N,5]\n}\n", []string{
			`t.ir:4:3: %2 = matmul f32[N,5]: contracted extents differ: [N,3] and [4,5] (transposed: false, false)`}},
		{"non-canonical axes", parseHeader + "  %0 = input \"x\" : f32[N,3]\n  %1 = sum %0 axes=[-1] : f32[N]\n}\n", []string{
			`t.ir:3:3: %1 = sum f32[N]: attribute axes is [-1], want [1]`}},
		{"param with batch", parseHeader + "  %0 = param \"w\" zeros : f32[N,3]\n}\n", []string{
			`t.ir:2:3: %0 = param f32[N,3]: w: a param cannot have a batch dimension`}},
		{"data length", parseHeader + "  %0 = const [1, 2] : f32[3]\n}\n", []string{
			`t.ir:2:3: %0 = const f32[3]: 2 elements for shape [3], want 3`}},
		{"duplicate name", parseHeader + "  %0 = input \"x\" : f32[N]\n  %1 = state \"x\" zeros : f32[]\n}\n", []string{
			`t.ir:3:3: %1 = state f32[]: name "x" is already used by %0`}},
		{"duplicate output", parseHeader + "  %0 = input \"x\" : f32[N]\n  output \"y\" = %0\n  output \"y\" = %0\n}\n", []string{
			`t.ir:4:3: output "y": name is already used by output 0`}},
		{"update of an input", parseHeader + "  %0 = input \"x\" : f32[N]\n  update %0 = %0\n}\n", []string{
			`t.ir:3:3: update %0 = %0: target %0 is a input, want a param or state`}},

		// One error per line; a line that uses a failed value adds none.
		{"errors on several lines", parseHeader + "  %0 = input \"x\" : f99[N]\n  %1 = neg %0 : f32[N]\n" +
			"  %2 = input \"y\" : f32[N] junk\n  output \"z\" = %1\n  output \"w\" = %5\n}\n", []string{
			`t.ir:2:20: unknown dtype "f99" (want f32, f64, i32, i64 or bool)`,
			`t.ir:4:27: expected @position, # comment or end of line, found "junk"`,
			`t.ir:6:16: %5 is not defined before use`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := Parse("t.ir", []byte(tt.src))
			if err == nil {
				t.Fatalf("Parse accepted the text:\n%s", tt.src)
			}
			if g != nil {
				t.Error("Parse returned a graph with an error")
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %T is not an ErrorList", err)
			}
			if want := strings.Join(tt.want, "\n"); err.Error() != want {
				t.Errorf("errors:\n%s\nwant:\n%s", err, want)
			}
		})
	}
}

func TestParseStopsAfterTooManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString(parseHeader)
	for range 30 {
		b.WriteString("  bogus\n")
	}
	b.WriteString("}\n")
	_, err := Parse("t.ir", []byte(b.String()))
	list, ok := err.(ErrorList)
	if !ok {
		t.Fatalf("error %v is not an ErrorList", err)
	}
	if len(list) != maxParseErrors+1 {
		t.Errorf("got %d errors, want %d", len(list), maxParseErrors+1)
	}
	if last := list[len(list)-1].Msg; last != "too many errors" {
		t.Errorf("last error is %q, want \"too many errors\"", last)
	}
}

// FuzzParse checks that Parse never panics, and that any text it accepts verifies and
// prints to a canonical form that parses back to the same graph and text.
func FuzzParse(f *testing.F) {
	f.Add([]byte(parseHeader + "  %0 = input \"x\" : f32[N,3]\n  %1 = relu %0 : f32[N,3]  @m.nnc:2:1  # act\n" +
		"  output \"y\" = %1\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		g, err := Parse("fuzz.ir", src)
		if err != nil {
			if g != nil {
				t.Fatal("Parse returned both a graph and an error")
			}
			if _, ok := err.(ErrorList); !ok {
				t.Fatalf("error %T is not an ErrorList", err)
			}
			return
		}
		if err := Verify(g); err != nil {
			t.Fatalf("Parse accepted a graph that fails Verify: %v", err)
		}
		text := g.String()
		h, err := Parse("fuzz.ir", []byte(text))
		if err != nil {
			t.Fatalf("Parse(Print(g)): %v\n%s", err, text)
		}
		if again := h.String(); again != text {
			t.Fatalf("Print(Parse(Print(g))) differs:\n%s\nwant\n%s", again, text)
		}
		if diff := graphDiff(g, h); diff != "" {
			t.Fatalf("reparsed graph differs: %s", diff)
		}
	})
}
