package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
	"github.com/onomondo/terraform-provider-onomondo/internal/validate"
)

var (
	_ datasource.DataSource                     = &SmsUsageDataSource{}
	_ datasource.DataSourceWithConfigure        = &SmsUsageDataSource{}
	_ datasource.DataSourceWithConfigValidators = &SmsUsageDataSource{}
)

// SmsUsageDataSource is onomondo_sms_usage: GET /sms/usage/ (every SIM) or
// GET /sms/usage/{sim_id} (one SIM), read one UTC day at a time, counted.
type SmsUsageDataSource struct {
	client *onomondo.Client
}

// SmsUsageDataSourceModel is the state of onomondo_sms_usage.
type SmsUsageDataSourceModel struct {
	SimID types.String `tfsdk:"sim_id"`
	Day   types.String `tfsdk:"day"`
	Time  types.String `tfsdk:"time"`
	WindowArgs
	IncludeRecords types.Bool `tfsdk:"include_records"`

	ID               types.String `tfsdk:"id"`
	SMSCount         types.Int64  `tfsdk:"sms_count"`
	CountByDirection types.Map    `tfsdk:"count_by_direction"`
	CountByStatus    types.Map    `tfsdk:"count_by_status"`
	CountBySim       types.Map    `tfsdk:"count_by_sim"`
	CountByDay       types.Map    `tfsdk:"count_by_day"`
	DaysRead         types.List   `tfsdk:"days_read"`
	Records          types.List   `tfsdk:"records"`
}

// NewSmsUsageDataSource returns onomondo_sms_usage.
func NewSmsUsageDataSource() datasource.DataSource { return &SmsUsageDataSource{} }

func (d *SmsUsageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sms_usage"
}

func (d *SmsUsageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Counts the SMS of the organisation, or of one SIM, from `GET /sms/usage/` (or " +
			"`GET /sms/usage/{sim_id}`) over a day, a month, a year or an exact window: `sms_count` and counts per direction, " +
			"status, SIM and day, ready for `check` blocks and preconditions. The API filters by day only, so each UTC day " +
			"is one read (at least one request, one more per 1000 messages of that day): a month is 28 to 31 requests, a " +
			"year 365 or more. Every day is read oldest message first and each message id counted once, so messages that " +
			"arrive during the read are counted exactly once.",
		Attributes: mergeAttributes(windowArgAttributes("day", "time"), map[string]schema.Attribute{
			"sim_id": schema.StringAttribute{
				MarkdownDescription: "One SIM, read from `GET /sms/usage/{sim_id}`: its 9-digit id, zero padded (`000012345`). " +
					"Unset: every SIM of the organisation (`GET /sms/usage/`), for the same number of requests.",
				Optional:   true,
				Validators: []validator.String{simIDValidator()},
			},
			"day": schema.StringAttribute{
				MarkdownDescription: "One UTC day, `YYYY-MM-DD`, sent as the API's `timestamp`: one request, and one more " +
					"per 1000 messages. For today in a CI plan use `formatdate(\"YYYY-MM-DD\", plantimestamp())`. A day that begins " +
					"after the time of the read is an error (nothing can have been sent in it yet, and the provider does not " +
					"report a period it did not read as zero). Exactly one of `day`, `time` and `since` is required.",
				Optional:   true,
				Validators: []validator.String{smsDayValidator()},
			},
			"time": schema.StringAttribute{
				MarkdownDescription: "A UTC month `YYYY-MM` or year `YYYY`, read as its days (the API has no month " +
					"filter): a request for every day up to the time of the read, so a month is up to 31 requests and a " +
					"year 365 or more (about 37 seconds of the API's 600 requests a minute, which every process behind " +
					"your IP address shares). The current month is read up to today: use " +
					"`formatdate(\"YYYY-MM\", plantimestamp())`. A period that begins after the time of the read is an error.",
				Optional:   true,
				Validators: []validator.String{smsTimeValidator()},
			},
			"include_records": schema.BoolAttribute{
				MarkdownDescription: "Whether to keep every message in `records`. Default `true`. Set `false` to keep only " +
					"the counts, so state and memory stay small however many messages there are; the counts are the same.",
				Optional: true,
				Computed: true,
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of this read, stable for the same arguments.",
				Computed:            true,
			},
			"sms_count": schema.Int64Attribute{
				MarkdownDescription: "Number of messages in the period, incoming and outgoing, whatever their status; each " +
					"message id counted once.",
				Computed: true,
			},
			"count_by_direction": schema.MapAttribute{
				MarkdownDescription: "Messages per direction, as the API names them: `incoming` and `outgoing` are always " +
					"present, `0` when none; a message with another direction is under that value, one without under `\"unknown\"`.",
				Computed:    true,
				ElementType: types.Int64Type,
			},
			"count_by_status": schema.MapAttribute{
				MarkdownDescription: "Messages per delivery status, every status as the API sends it (such as `success`; " +
					"Onomondo documents no list, so expect failed and pending kinds); a message without one is under " +
					"`\"unknown\"`. A status no message had has no entry: use `lookup(..., \"success\", 0)`.",
				Computed:    true,
				ElementType: types.Int64Type,
			},
			"count_by_sim": schema.MapAttribute{
				MarkdownDescription: "Messages per SIM id (a message without `sim_id` is keyed by its ICCID, or `\"unknown\"`). " +
					"SIMs without messages have no entry.",
				Computed:    true,
				ElementType: types.Int64Type,
			},
			"count_by_day": schema.MapAttribute{
				MarkdownDescription: "Messages per UTC day read (`YYYY-MM-DD`): every day in `days_read` has an entry, `0` " +
					"when it had none.",
				Computed:    true,
				ElementType: types.Int64Type,
			},
			"days_read": schema.ListAttribute{
				MarkdownDescription: "The UTC days that were read, in order: the days of the period up to the time of the " +
					"read (days that had not begun are not requested). Each is at least one request.",
				Computed:    true,
				ElementType: types.StringType,
			},
			"records": recordsAttribute("Every message counted, oldest first, day by day; null when `include_records` is "+
				"`false`. A field the API left out is null. The API returns no message content.", map[string]schema.Attribute{
				"time": schema.StringAttribute{Computed: true, MarkdownDescription: "When the message was sent or " +
					"received, RFC 3339 in UTC, to the second (`2025-09-15T10:07:04Z`)."},
				"direction":    schema.StringAttribute{Computed: true, MarkdownDescription: "`incoming` or `outgoing`, as the API sends it."},
				"status":       schema.StringAttribute{Computed: true, MarkdownDescription: "Delivery status as the API sends it, such as `success`."},
				"retries_left": schema.Int64Attribute{Computed: true, MarkdownDescription: "Delivery attempts left."},
				"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "Message id (UUID)."},
				"session_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "Session id (UUID)."},
			}),
		}),
	}
}

// ConfigValidators: exactly one period.
func (d *SmsUsageDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("day"), path.MatchRoot("time"), path.MatchRoot("since")),
	}
}

func (d *SmsUsageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if c, ok := clientFrom(req, resp); ok {
		d.client = c
	}
}

func (d *SmsUsageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m SmsUsageDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, diags := m.period(time.Now())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	keep := m.IncludeRecords.IsNull() || m.IncludeRecords.IsUnknown() || m.IncludeRecords.ValueBool()
	agg, diags := readSMS(ctx, d.client, m.SimID.ValueString(), p, keep)
	resp.Diagnostics.Append(diags...)
	if agg == nil {
		return
	}
	if p.window != nil {
		m.WindowArgs = m.withUntil(*p.window)
	}
	m.IncludeRecords = types.BoolValue(keep)
	m.ID = types.StringValue(smsUsageID(m.SimID.ValueString(), p, keep))
	m.SMSCount = types.Int64Value(agg.count)
	m.CountByDirection = int64Map(agg.byDirection)
	m.CountByStatus = int64Map(agg.byStatus)
	m.CountBySim = int64Map(agg.bySim)
	m.CountByDay = int64Map(agg.byDay)
	days := make([]attr.Value, len(p.days))
	for i, day := range p.days {
		days[i] = types.StringValue(day)
	}
	m.DaysRead = types.ListValueMust(types.StringType, days)
	m.Records = types.ListNull(smsRecordObjectType)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	if keep && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(setRawAttribute(&resp.State, "records", smsRecordsValue(agg.records))...)
	}
}

// smsDayValidator checks day: a real date, YYYY-MM-DD.
func smsDayValidator() validator.String {
	return stringCheck{"must be a day, YYYY-MM-DD", func(s string) error {
		if len(s) != len(time.DateOnly) {
			return fmt.Errorf("%q is not a day: use YYYY-MM-DD (for example \"2025-03-31\"); for a month or a year use time", s)
		}
		return validate.Time(s)
	}}
}

// smsTimeValidator checks time: a month or a year; a day gets a hint.
func smsTimeValidator() validator.String {
	return stringCheck{"must be a month YYYY-MM or a year YYYY", func(s string) error {
		if len(s) == len(time.DateOnly) && validate.Time(s) == nil {
			return fmt.Errorf("%q is a day: set day = %q instead (time takes a month YYYY-MM or a year YYYY)", s, s)
		}
		if len(s) != 4 && len(s) != 7 {
			return fmt.Errorf("%q is not a month or a year: use YYYY-MM or YYYY (for example \"2025-03\" or \"2025\")", s)
		}
		return validate.Time(s)
	}}
}
