// Package frontend builds ir.Modules from the two ways users describe a model: the
// model-file language (.nnc, see docs/language.md), read by Parse and ParseFile, and
// the Go builder API, Model. The parser evaluates each statement by calling the
// Model API, so a model file and the equivalent Go code build the same graph, value
// for value.
//
// Layers, activations and losses expand into ir primitives through ir.Builder; the
// frontend adds no ops of its own. The module's forward graph follows the
// conventions of ir.Module: inputs "x" and "y", outputs "output", "loss" and, for
// classification losses, "correct".
//
// Mistakes in a model are collected, not returned one at a time: Parse and
// Model.Build return an ir.ErrorList whose entries print as file:line:col: message.
package frontend
