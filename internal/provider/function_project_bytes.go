package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/projection"
	"github.com/onomondo/terraform-provider-onomondo/internal/window"
)

var _ function.Function = &ProjectBytesFunction{}

// ProjectBytesFunction is provider::onomondo::project_bytes(bytes number,
// period string, at string) number.
type ProjectBytesFunction struct{}

// NewProjectBytesFunction returns the project_bytes function.
func NewProjectBytesFunction() function.Function {
	return &ProjectBytesFunction{}
}

// Metadata names the function "project_bytes".
func (f *ProjectBytesFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "project_bytes"
}

// Definition describes project_bytes. The long documentation, with the
// rules for an instant before, early in and after the period, is
// templates/functions/project_bytes.md.tmpl.
func (f *ProjectBytesFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Project usage so far to the end of its period, such as this month's usage to the end of the month",
		Description: "Returns bytes * (length of the period / time of the period passed at the instant at), rounded to the " +
			"nearest byte: the usage at the end of the period if it goes on at the rate so far. After the period has ended it " +
			"returns bytes unchanged; before the period has begun (or at its very first instant) it is an error.",
		Parameters: []function.Parameter{
			function.NumberParameter{
				Name:        "bytes",
				Description: "The usage so far in the period: a whole number of bytes, 0 or more, such as total_bytes of a read of the period.",
				MarkdownDescription: "The usage so far in the period: a whole number of bytes, `0` or more, such as `total_bytes` " +
					"of a read of the period.",
			},
			function.StringParameter{
				Name: "period",
				Description: "The UTC period the usage belongs to, as the usage data sources' time takes it: a year YYYY, a " +
					"month YYYY-MM or a day YYYY-MM-DD.",
				MarkdownDescription: "The UTC period the usage belongs to, as the usage data sources' `time` takes it: a year " +
					"`YYYY`, a month `YYYY-MM` or a day `YYYY-MM-DD`.",
			},
			function.StringParameter{
				Name: "at",
				Description: "The instant the usage was read, RFC 3339 with a time zone: normally plantimestamp(), the time " +
					"of the plan.",
				MarkdownDescription: "The instant the usage was read, RFC 3339 with a time zone: normally `plantimestamp()`, " +
					"the time of the plan.",
			},
		},
		Return: function.Int64Return{},
	}
}

// Run checks the arguments and projects with projection.Project.
func (f *ProjectBytesFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var bytesArg types.Number
	var period, at string

	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &bytesArg, &period, &at))
	if resp.Error != nil {
		return
	}

	bytes, msg := wholeInt64(bytesArg, "project")
	if msg != "" {
		resp.Error = function.NewArgumentFuncError(0, msg)
		return
	}
	if bytes < 0 {
		resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("cannot project %d bytes: usage is never negative", bytes))
		return
	}
	if _, err := window.Period(period); err != nil {
		resp.Error = function.NewArgumentFuncError(1, err.Error())
		return
	}
	instant, err := time.Parse(time.RFC3339, at)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(2, fmt.Sprintf(
			"%q is not an RFC 3339 time with a time zone, such as \"2025-03-10T12:00:00Z\": pass plantimestamp(), the time of the plan", at))
		return
	}

	if instant.IsZero() {
		// Terraform 1.8 and 1.9 pass plantimestamp() as 0001-01-01T00:00:00Z
		// while they validate a configuration, before any plan has a time
		// (hashicorp/terraform#35898; later versions pass an unknown value).
		// No plan is that old: the projection is not known yet.
		resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, types.Int64Unknown()))
		return
	}
	n, err := projection.Project(bytes, period, instant)
	var overflow *projection.OverflowError
	switch {
	case errors.As(err, &overflow):
		resp.Error = function.NewFuncError(err.Error())
		return
	case err != nil:
		// The bytes and the period are valid here: what is left is the
		// instant, before the period or at its first instant.
		resp.Error = function.NewArgumentFuncError(2, err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, n))
}
