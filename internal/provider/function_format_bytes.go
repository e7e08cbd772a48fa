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

// FormatBytesFunction is provider::onomondo::format_bytes(bytes number) string.
type FormatBytesFunction struct{}

// NewFormatBytesFunction returns the format_bytes function.
func NewFormatBytesFunction() function.Function {
	return &FormatBytesFunction{}
}

// Metadata names the function "format_bytes".
func (f *FormatBytesFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "format_bytes"
}

// formatBytesMarkdown is the MarkdownDescription of format_bytes.
const formatBytesMarkdown = "Formats a number of bytes as a short human-readable string in binary units, for outputs " +
	"and messages such as `\"SIM used ${provider::onomondo::format_bytes(data.onomondo_usage.this.total_bytes)}\"`.\n\n" +
	"Values below 1024 are shown as whole bytes (`\"0 B\"`, `\"512 B\"`, `\"1023 B\"`). Larger values use the largest " +
	"unit among `KiB` (2^10), `MiB` (2^20), `GiB` (2^30), `TiB` (2^40), `PiB` (2^50) and `EiB` (2^60) that keeps the " +
	"number at least 1, with exactly two decimals rounded to the nearest hundredth (halves up). A value that would " +
	"round to `1024.00` of a unit is shown as `1.00` of the next unit. Values from 7.995 EiB up to the largest 64-bit " +
	"integer are shown as `\"7.99 EiB\"` rather than rounded up to `\"8.00 EiB\"`, which would not fit in 64 bits.\n\n" +
	"The result is always accepted by `parse_bytes`, which gives back the value to within the displayed precision " +
	"(less than 0.5% off; exact below 1024 and for exact multiples such as 1.5 GiB).\n\n" +
	"**Argument rules.** The argument must be a whole number between -9223372036854775808 and 9223372036854775807 " +
	"(64-bit integers). A fractional number (for example the result of a division) is an error rather than being " +
	"rounded silently; wrap it in `floor()` or `ceil()`. A negative number is formatted with a leading `-` " +
	"(`\"-1.50 KiB\"`), so that differences such as a remaining allowance that has gone below zero can be shown " +
	"instead of failing the plan; note that `parse_bytes` does not accept negative sizes. A null argument is an " +
	"error; an unknown argument gives an unknown result.\n\n" +
	"Examples:\n\n" +
	"| Call | Result |\n" +
	"|------|--------|\n" +
	"| `format_bytes(0)` | `\"0 B\"` |\n" +
	"| `format_bytes(512)` | `\"512 B\"` |\n" +
	"| `format_bytes(1024)` | `\"1.00 KiB\"` |\n" +
	"| `format_bytes(500000000)` | `\"476.84 MiB\"` |\n" +
	"| `format_bytes(1610612736)` | `\"1.50 GiB\"` |\n" +
	"| `format_bytes(-1536)` | `\"-1.50 KiB\"` |\n" +
	"| `format_bytes(1.5)` | error: not a whole number |\n"

// Definition describes format_bytes(bytes number) string.
func (f *FormatBytesFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Format a number of bytes as a human-readable string such as \"1.50 GiB\"",
		Description: "Formats a number of bytes in binary units with two decimals: \"0 B\", \"512 B\", \"1023 B\", \"1.00 KiB\", " +
			"\"476.84 MiB\", \"1.50 GiB\", up to EiB. The argument must be a whole number within the 64-bit integer range; " +
			"fractions are refused (use floor() or ceil()), negative values are formatted with a leading \"-\". " +
			"The result is accepted by parse_bytes.",
		MarkdownDescription: formatBytesMarkdown,
		Parameters: []function.Parameter{
			function.NumberParameter{
				Name: "bytes",
				Description: "The number of bytes to format: a whole number between -9223372036854775808 and " +
					"9223372036854775807. Negative values are formatted with a leading \"-\".",
				MarkdownDescription: "The number of bytes to format: a whole number between `-9223372036854775808` and " +
					"`9223372036854775807`. Negative values are formatted with a leading `-`.",
			},
		},
		Return: function.StringReturn{},
	}
}

// Run checks that the argument is a 64-bit integer and formats it with
// bytesize.Format.
func (f *FormatBytesFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var arg types.Number

	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &arg))
	if resp.Error != nil {
		return
	}
	if arg.IsNull() || arg.IsUnknown() {
		// Not reachable: the parameter allows neither; Terraform rejects a
		// null argument and skips the call for an unknown one.
		resp.Error = function.NewArgumentFuncError(0, "format_bytes needs a known, non-null number of bytes")
		return
	}

	n, msg := wholeInt64(arg)
	if msg != "" {
		resp.Error = function.NewArgumentFuncError(0, msg)
		return
	}

	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, bytesize.Format(n)))
}

// wholeInt64 converts a known number to int64, or returns a message saying
// why it cannot be.
func wholeInt64(arg types.Number) (int64, string) {
	v := arg.ValueBigFloat()
	if v == nil {
		return 0, "format_bytes needs a number of bytes"
	}
	text := v.Text('g', -1)
	if v.IsInt() && v.MantExp(nil) <= 100 {
		// Whole numbers below 2^100 in full rather than as 9.2e+18.
		text = v.Text('f', 0)
	}
	switch {
	case v.IsInf():
		return 0, fmt.Sprintf("cannot format %s as a byte size: it is infinite; "+
			"the number of bytes must be between %d and %d", text, int64(math.MinInt64), int64(math.MaxInt64))
	case !v.IsInt():
		return 0, fmt.Sprintf("cannot format %s as a byte size: it is not a whole number of bytes; "+
			"wrap the value in floor() or ceil() to choose how to round it", text)
	}
	n, acc := v.Int64()
	if acc != big.Exact {
		return 0, fmt.Sprintf("cannot format %s as a byte size: it is outside the 64-bit integer range; "+
			"the number of bytes must be between %d and %d", text, int64(math.MinInt64), int64(math.MaxInt64))
	}
	return n, ""
}
