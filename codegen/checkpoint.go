package codegen

import (
	"github.com/dave/jennifer/jen"
)

// emitCheckpoint adds WriteTo and ReadFrom, which store every param and state
// tensor in the safetensors layout through the runtime.
func (g *generator) emitCheckpoint(f *jen.File) {
	recv := func() *jen.Statement { return jen.Params(jen.Id("m").Op("*").Id("Model")) }
	tensor := func() *jen.Statement { return jen.Qual(runtimePath, "Tensor") }

	f.Comment("// WriteTo writes every parameter and state tensor of m to w in the safetensors\n" +
		"// format, with the model's name in the metadata, and returns the number of bytes\n" +
		"// written. It returns the first error of w.")
	f.Func().Add(recv()).Id("WriteTo").Params(jen.Id("w").Qual("io", "Writer")).Params(jen.Int64(), jen.Error()).Block(
		jen.Return(jen.Qual(runtimePath, "WriteTensors").Call(
			jen.Id("w"), jen.Id("m").Dot("tensors").Call(),
			jen.Map(jen.String()).String().Values(jen.Lit("nncc.model").Op(":").Lit(g.prog.Module.Name)),
		)),
	)
	f.Line()

	// ReadFrom reads into fresh slices first, so a failed read leaves the model as it
	// was.
	kinds := []struct {
		field, goType string
	}{{"F32", "float32"}, {"F64", "float64"}, {"I32", "int32"}, {"I64", "int64"}}
	var alloc, store []jen.Code
	for _, k := range kinds {
		alloc = append(alloc, jen.If(jen.Id("t").Dot(k.field).Op("!=").Nil()).Block(
			jen.Id("scratch").Index(jen.Id("i")).Dot(k.field).Op("=").Append(
				jen.Index().Id(k.goType).Parens(jen.Nil()), jen.Id("t").Dot(k.field).Op("...")),
		))
		store = append(store, jen.Copy(jen.Id("t").Dot(k.field), jen.Id("scratch").Index(jen.Id("i")).Dot(k.field)))
	}
	f.Comment("// ReadFrom reads a checkpoint written by WriteTo, or any safetensors file with\n" +
		"// the same tensor names, dtypes and shapes, from r into m and returns the number\n" +
		"// of bytes read. Tensors of the file that m does not have are skipped. State\n" +
		"// tensors missing from the file keep their current values, so a weights-only file\n" +
		"// (such as a PyTorch state_dict saved with safetensors) loads into a model whose\n" +
		"// optimizer state then starts from its initial values.\n" +
		"//\n" +
		"// ReadFrom returns an error, and leaves m unchanged, if a parameter is missing from\n" +
		"// the file, if a tensor differs in dtype or shape, or if the file is invalid or\n" +
		"// truncated.")
	f.Func().Add(recv()).Id("ReadFrom").Params(jen.Id("r").Qual("io", "Reader")).Params(jen.Int64(), jen.Error()).Block(
		jen.Id("dst").Op(":=").Id("m").Dot("tensors").Call(),
		jen.Id("params").Op(":=").Len(jen.Id("m").Dot("Params").Call()),
		jen.Id("scratch").Op(":=").Make(jen.Index().Add(tensor()), jen.Len(jen.Id("dst"))),
		jen.For(jen.List(jen.Id("i"), jen.Id("t")).Op(":=").Range().Id("dst")).Block(
			append([]jen.Code{
				jen.Id("scratch").Index(jen.Id("i")).Op("=").Add(tensor()).Values(
					keyValue("Name", jen.Id("t").Dot("Name")), keyValue("Shape", jen.Id("t").Dot("Shape")),
					keyValue("Optional", jen.Id("i").Op(">=").Id("params"))),
			}, alloc...)...,
		),
		jen.List(jen.Id("_"), jen.Id("n"), jen.Err()).Op(":=").Qual(runtimePath, "ReadTensors").Call(jen.Id("r"), jen.Id("scratch")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("n"), jen.Err())),
		jen.For(jen.List(jen.Id("i"), jen.Id("t")).Op(":=").Range().Id("dst")).Block(store...),
		jen.Return(jen.Id("n"), jen.Nil()),
	)
}
