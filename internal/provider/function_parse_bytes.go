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

// parseBytesMarkdown is the MarkdownDescription of parse_bytes.
const parseBytesMarkdown = "Converts a human-readable byte size such as `\"500 MB\"` or `\"1.5 GiB\"` into a whole number of " +
	"bytes, so that thresholds on usage data can be written readably, for example " +
	"`data.onomondo_usage.this.total_bytes > provider::onomondo::parse_bytes(\"500 MB\")`.\n\n" +
	"The argument is a non-negative decimal number, optionally followed by a unit. White space around the value " +
	"and between the number and the unit is optional: `\"500 MB\"`, `\"500MB\"` and `\" 500 MB \"` are the same. " +
	"A number without a unit is a number of bytes.\n\n" +
	"| Unit | Bytes | | Unit | Bytes |\n" +
	"|------|-------|-|------|-------|\n" +
	"| `B` or none | 1 | | | |\n" +
	"| `kB` | 1000 = 10^3 | | `KiB` | 1024 = 2^10 |\n" +
	"| `MB` | 1000^2 = 10^6 | | `MiB` | 1024^2 = 2^20 |\n" +
	"| `GB` | 1000^3 = 10^9 | | `GiB` | 1024^3 = 2^30 |\n" +
	"| `TB` | 1000^4 = 10^12 | | `TiB` | 1024^4 = 2^40 |\n" +
	"| `PB` | 1000^5 = 10^15 | | `PiB` | 1024^5 = 2^50 |\n" +
	"| `EB` | 1000^6 = 10^18 | | `EiB` | 1024^6 = 2^60 |\n\n" +
	"**Case rule.** The prefix letter and the `i` are case-insensitive, so `kB` and `KB` both mean 1000 bytes " +
	"(`KB` is never 1024; write `KiB` for that), `mB` means `MB`, and `giB` and `GIB` mean `GiB`. " +
	"The final `B` must be an upper-case `B`: a lower-case `b` means *bits* (`Mb` is a megabit), so " +
	"`\"500 Mb\"`, `\"500 mb\"` and `\"8 b\"` are refused with an error that says so. A prefix without `B` " +
	"(`\"5 M\"`, `\"5 K\"`, `\"5 Mi\"`) is refused as ambiguous.\n\n" +
	"**Fractions.** Decimal fractions are allowed and computed exactly (`\"1.5 GiB\"` is 1610612736). The result " +
	"must be a whole number of bytes: `\"0.5 kB\"` (500) is accepted, `\"0.5 B\"` is refused. Because decimal " +
	"fractions of binary units are rarely whole (`\"1.01 KiB\"` is 1034.24 bytes), a binary-unit value whose last " +
	"decimal digit is worth at least one byte is rounded to the nearest byte: at most 3 decimals for `KiB`, 6 for " +
	"`MiB`, 9 for `GiB`, 12 for `TiB`, 15 for `PiB` and 18 for `EiB`. So everything `format_bytes` returns is " +
	"accepted again.\n\n" +
	"**Refused** (an error on the argument that quotes it): an empty string, negative numbers, a leading `+`, " +
	"exponents (`\"1e6\"`), digit separators (`\"1,000 MB\"`), `\".5\"` and `\"5.\"`, unknown units " +
	"(`\"5 bytes\"`), bits, ambiguous prefixes, values that are not a whole number of bytes, and values above " +
	"9223372036854775807 bytes (the largest 64-bit integer, one byte less than 8 EiB). A null argument is an " +
	"error; an unknown argument gives an unknown result.\n\n" +
	"Examples:\n\n" +
	"| Call | Result |\n" +
	"|------|--------|\n" +
	"| `parse_bytes(\"512 B\")` | `512` |\n" +
	"| `parse_bytes(\"1024\")` | `1024` |\n" +
	"| `parse_bytes(\"2 kB\")` | `2000` |\n" +
	"| `parse_bytes(\"500 MB\")` | `500000000` |\n" +
	"| `parse_bytes(\"1.5GiB\")` | `1610612736` |\n" +
	"| `parse_bytes(\"500 Mb\")` | error: a lower-case \"b\" means bits |\n" +
	"| `parse_bytes(\"5 M\")` | error: unit \"M\" is ambiguous |\n"

// Definition describes parse_bytes(size string) number.
func (f *ParseBytesFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Parse a human-readable byte size such as \"500 MB\" or \"1.5 GiB\" into a number of bytes",
		Description: "Converts a byte size such as \"500 MB\", \"1.5GiB\", \"2 kB\", \"512 B\" or \"1024\" into a whole number of bytes. " +
			"Units: B; kB, MB, GB, TB, PB, EB (powers of 1000); KiB, MiB, GiB, TiB, PiB, EiB (powers of 1024); no unit means bytes. " +
			"The prefix letter and the \"i\" are case-insensitive (KB = kB = 1000), but the final B must be upper-case because " +
			"a lower-case b means bits (\"500 Mb\" is refused), and a prefix without B (\"5 M\") is refused as ambiguous. " +
			"Fractions are computed exactly and must give a whole number of bytes, except that binary units round to the " +
			"nearest byte when the last decimal is worth at least one byte (\"1.01 KiB\" = 1034). Negative numbers, exponents, " +
			"unknown units and values above 9223372036854775807 are refused.",
		MarkdownDescription: parseBytesMarkdown,
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
