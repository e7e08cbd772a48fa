package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/onomondo/terraform-provider-onomondo/internal/bytesize"
)

var _ function.Function = &ParseBytesFunction{}

// ParseBytesFunction is provider::onomondo::parse_bytes(size string) number.
type ParseBytesFunction struct{}

// NewParseBytesFunction returns the parse_bytes function.
func NewParseBytesFunction() function.Function {
	return &ParseBytesFunction{}
}

// Metadata names the function "parse_bytes".
func (f *ParseBytesFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_bytes"
}

// Definition describes parse_bytes(size string) number. The long
// documentation, with the unit table and examples, is
// templates/functions/parse_bytes.md.tmpl.
func (f *ParseBytesFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Parse a human-readable byte size such as \"500 MB\" or \"1.5 GiB\" into a number of bytes",
		Description: "Converts a byte size such as \"500 MB\", \"1.5GiB\" or \"1024\" into a whole number of bytes: " +
			"kB, MB, GB... are powers of 1000, KiB, MiB, GiB... powers of 1024, and a lower-case b (bits) is refused.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "size",
				Description: "The byte size to parse, such as \"500 MB\", \"1.5 GiB\" or \"1024\": a non-negative number with " +
					"an optional unit (B, kB, MB, GB, TB, PB, EB, KiB, MiB, GiB, TiB, PiB, EiB).",
				MarkdownDescription: "The byte size to parse, such as `\"500 MB\"`, `\"1.5 GiB\"` or `\"1024\"`: a non-negative " +
					"number with an optional unit (`B`, `kB`, `MB`, `GB`, `TB`, `PB`, `EB`, `KiB`, `MiB`, `GiB`, `TiB`, `PiB`, `EiB`).",
			},
		},
		Return: function.Int64Return{},
	}
}

// Run parses the argument with bytesize.Parse.
func (f *ParseBytesFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var size string

	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &size))
	if resp.Error != nil {
		return
	}

	n, err := bytesize.Parse(size)
	if err != nil {
		// The *bytesize.ParseError message quotes the argument and says why
		// it was refused.
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}

	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, n))
}
