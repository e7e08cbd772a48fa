package provider

import (
	"context"
	"fmt"
	"math"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/bytesize"
)

var _ function.Function = &FormatBytesFunction{}

// FormatBytesFunction is provider::onomondo::format_bytes(bytes number,
// unit_system ...string) string.
type FormatBytesFunction struct{}

// NewFormatBytesFunction returns the format_bytes function.
func NewFormatBytesFunction() function.Function {
	return &FormatBytesFunction{}
}

// Metadata names the function "format_bytes".
func (f *FormatBytesFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "format_bytes"
}

// Definition describes format_bytes(bytes number, unit_system ...string)
// string. The long documentation, with examples, is
// templates/functions/format_bytes.md.tmpl.
func (f *FormatBytesFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Format a number of bytes as a human-readable string such as \"1.50 GiB\" or \"600.00 GB\"",
		Description: "Formats a whole number of bytes with two decimals, in binary units (\"476.84 MiB\") or, with \"si\" " +
			"as the second argument, in decimal units (\"500.00 MB\"). The result is accepted by parse_bytes.",
		Parameters: []function.Parameter{
			function.NumberParameter{
				Name: "bytes",
				Description: "The number of bytes to format: a whole number between -9223372036854775808 and " +
					"9223372036854775807. Negative values are formatted with a leading \"-\".",
				MarkdownDescription: "The number of bytes to format: a whole number between `-9223372036854775808` and " +
					"`9223372036854775807`. Negative values are formatted with a leading `-`.",
			},
		},
		VariadicParameter: function.StringParameter{
			Name: "unit_system",
			Description: "Optional, at most one: \"si\" for decimal units (kB, MB, GB: powers of 1000), \"iec\" for " +
				"binary units (KiB, MiB, GiB: powers of 1024). Left out: binary units.",
			MarkdownDescription: "Optional, at most one: `\"si\"` for decimal units (`kB`, `MB`, `GB`: powers of 1000), " +
				"`\"iec\"` for binary units (`KiB`, `MiB`, `GiB`: powers of 1024). Left out: binary units.",
		},
		Return: function.StringReturn{},
	}
}

// Run checks that the argument is a 64-bit integer and the unit system one
// bytesize knows, and formats it with bytesize.FormatIn.
func (f *FormatBytesFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var arg types.Number
	var systems []string

	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &arg, &systems))
	if resp.Error != nil {
		return
	}
	if arg.IsNull() || arg.IsUnknown() {
		// Not reachable: the parameter allows neither; Terraform rejects a
		// null argument and skips the call for an unknown one.
		resp.Error = function.NewArgumentFuncError(0, "format_bytes needs a known, non-null number of bytes")
		return
	}

	n, msg := wholeInt64(arg, "format")
	if msg != "" {
		resp.Error = function.NewArgumentFuncError(0, msg)
		return
	}

	sys := bytesize.Binary
	switch len(systems) {
	case 0:
	case 1:
		var err error
		if sys, err = bytesize.ParseSystem(systems[0]); err != nil {
			resp.Error = function.NewArgumentFuncError(1, err.Error())
			return
		}
	default:
		resp.Error = function.NewArgumentFuncError(1, fmt.Sprintf(
			"format_bytes takes at most one unit system after the number of bytes, got %d: use %s",
			len(systems), quotedList(bytesize.SystemNames)))
		return
	}

	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, bytesize.FormatIn(n, sys)))
}

// quotedList renders ["a", "b"] as `"a" or "b"`.
func quotedList(names []string) string {
	out := ""
	for i, n := range names {
		switch {
		case i == 0:
		case i == len(names)-1:
			out += " or "
		default:
			out += ", "
		}
		out += fmt.Sprintf("%q", n)
	}
	return out
}

// wholeInt64 converts a known number of bytes to int64, or returns a
// message saying why it cannot be; verb is what the function does with it
// ("format", "project").
func wholeInt64(arg types.Number, verb string) (int64, string) {
	v := arg.ValueBigFloat()
	if v == nil {
		return 0, verb + "_bytes needs a number of bytes"
	}
	text := v.Text('g', -1)
	if v.IsInt() && v.MantExp(nil) <= 100 {
		// Whole numbers below 2^100 in full rather than as 9.2e+18.
		text = v.Text('f', 0)
	}
	switch {
	case v.IsInf():
		return 0, fmt.Sprintf("cannot %s %s as a byte size: it is infinite; "+
			"the number of bytes must be between %d and %d", verb, text, int64(math.MinInt64), int64(math.MaxInt64))
	case !v.IsInt():
		return 0, fmt.Sprintf("cannot %s %s as a byte size: it is not a whole number of bytes; "+
			"wrap the value in floor() or ceil() to choose how to round it", verb, text)
	}
	n, acc := v.Int64()
	if acc != big.Exact {
		return 0, fmt.Sprintf("cannot %s %s as a byte size: it is outside the 64-bit integer range; "+
			"the number of bytes must be between %d and %d", verb, text, int64(math.MinInt64), int64(math.MaxInt64))
	}
	return n, ""
}
