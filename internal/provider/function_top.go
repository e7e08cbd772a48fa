package provider

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ function.Function = &TopFunction{}

// topEntryType is the type of one element of top's result: {key, value}.
var topEntryType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"key":   types.StringType,
	"value": types.NumberType,
}}

// TopFunction is provider::onomondo::top(map map(number), n number)
// list(object({key = string, value = number})).
type TopFunction struct{}

// NewTopFunction returns the top function.
func NewTopFunction() function.Function {
	return &TopFunction{}
}

// Metadata names the function "top".
func (f *TopFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "top"
}

// Definition describes top. The long documentation is
// templates/functions/top.md.tmpl.
func (f *TopFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The n largest entries of a map of numbers, such as the 10 SIMs that used the most data",
		Description: "Returns the n entries of the map with the largest values, as a list of objects {key, value}, largest " +
			"first; entries with equal values in ascending order of their keys. n larger than the map gives every entry, " +
			"n = 0 an empty list; a negative n is an error.",
		Parameters: []function.Parameter{
			function.MapParameter{
				Name:        "map",
				ElementType: types.NumberType,
				Description: "A map of numbers, such as bytes_by_sim of onomondo_usage (SIM id => bytes). Every value must be a " +
					"number, not null.",
				MarkdownDescription: "A map of numbers, such as `bytes_by_sim` of `onomondo_usage` (SIM id => bytes). Every " +
					"value must be a number, not null.",
			},
			function.NumberParameter{
				Name:                "n",
				Description:         "How many entries to return: a whole number, 0 or more.",
				MarkdownDescription: "How many entries to return: a whole number, `0` or more.",
			},
		},
		Return: function.ListReturn{ElementType: topEntryType},
	}
}

// topEntry is one entry of the map.
type topEntry struct {
	key   string
	value *big.Float
}

// Run sorts the entries by value, largest first, then by key, and returns
// the first n.
func (f *TopFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var m map[string]types.Number
	var nArg types.Number

	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &m, &nArg))
	if resp.Error != nil {
		return
	}
	n, msg := entryCount(nArg.ValueBigFloat())
	if msg != "" {
		resp.Error = function.NewArgumentFuncError(1, msg)
		return
	}

	entries := make([]topEntry, 0, len(m))
	for k, v := range m {
		if v.IsNull() {
			resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf(
				"the value of %q is null: every value must be a number (use coalesce() to choose one for a missing value)", k))
			return
		}
		entries = append(entries, topEntry{key: k, value: v.ValueBigFloat()})
	}
	slices.SortFunc(entries, func(a, b topEntry) int {
		if c := b.value.Cmp(a.value); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	entries = entries[:min(len(entries), n)]

	elems := make([]attr.Value, len(entries))
	for i, e := range entries {
		elems[i] = types.ObjectValueMust(topEntryType.AttrTypes, map[string]attr.Value{
			"key":   types.StringValue(e.key),
			"value": types.NumberValue(e.value),
		})
	}
	list, diags := types.ListValue(topEntryType, elems)
	resp.Error = function.ConcatFuncErrors(resp.Error, function.FuncErrorFromDiags(ctx, diags))
	if resp.Error != nil {
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, list))
}

// entryCount reads top's n: a whole number, 0 or more. Any n above the
// number of entries means all of them, so a huge n is len-capped later,
// not refused.
func entryCount(v *big.Float) (int, string) {
	switch {
	case v == nil:
		return 0, "n must be a number"
	case v.Sign() < 0:
		return 0, fmt.Sprintf("n is %s: top returns the n largest entries, so n must be 0 or more", v.Text('g', -1))
	case v.IsInf() || !v.IsInt():
		return 0, fmt.Sprintf("n is %s: top returns the n largest entries, so n must be a whole number", v.Text('g', -1))
	}
	if v.Cmp(big.NewFloat(math.MaxInt32)) > 0 {
		return math.MaxInt32, ""
	}
	n, _ := v.Int64()
	return int(n), ""
}
