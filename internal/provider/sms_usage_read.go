package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
	"github.com/onomondo/terraform-provider-onomondo/internal/window"
)

// smsPeriod is what a read of onomondo_sms_usage covers: the UTC days to
// request, in order, and for since/until the window whose messages count
// (nil: every message the API gives for the days read counts).
type smsPeriod struct {
	days   []string
	window *window.Window
}

// period works out the days to read from day, time or since/until, at the
// time of the read now. Days that begin after now are not requested: no
// message can be in them yet. A period with no day left is an error on its
// attribute rather than a count of 0 for a period that was not read.
func (m SmsUsageDataSourceModel) period(now time.Time) (smsPeriod, diag.Diagnostics) {
	now = now.UTC()
	var span window.Window
	var p smsPeriod
	var at path.Path
	var name string
	switch {
	case !m.Day.IsNull():
		at, name = path.Root("day"), "day "+m.Day.ValueString()
		span, _ = window.Period(m.Day.ValueString())
	case !m.Time.IsNull():
		at, name = path.Root("time"), "period "+m.Time.ValueString()
		span, _ = window.Period(m.Time.ValueString())
	default:
		w, ok, diags := m.window(now)
		if !ok || diags.HasError() {
			if !diags.HasError() { // ConfigValidators make this unreachable
				diags.AddError("No period", "Set exactly one of day, time and since.")
			}
			return p, diags
		}
		at, name, span, p.window = path.Root("since"), "window "+w.String(), w, &w
	}
	for _, day := range span.Days() {
		if start, _ := time.Parse(time.DateOnly, day); start.After(now) {
			break
		}
		p.days = append(p.days, day)
	}
	var diags diag.Diagnostics
	if len(p.days) == 0 {
		diags.AddAttributeError(at, "Period not begun",
			fmt.Sprintf("The %s begins after the time of the read (%s): no SMS can have been sent or received in it yet, and "+
				"the provider does not report a period it did not read as 0. Check the date; for today use "+
				"formatdate(\"YYYY-MM-DD\", plantimestamp()).", name, now.Format(time.RFC3339)))
	}
	return p, diags
}

// smsAggregate counts messages day by day. A day's messages are counted in
// a smsDay first and merged once the client has read the day completely (a
// day read again drops its smsDay's counts). With records not kept, memory
// is bounded by the SIMs, statuses and days, not by the messages (the
// client's per-day set of message ids aside: two 64-bit hashes per message
// of the day being read, dropped with the day).
type smsAggregate struct {
	keep                                bool
	window                              *window.Window
	records                             []onomondo.SMS
	count                               int64
	byDirection, byStatus, bySim, byDay map[string]int64
	outside, unread                     int
	firstOutside                        onomondo.SMS
	firstOutsideDay                     string
}

// smsDay is the count of one day while it is read.
type smsDay struct {
	agg                          *smsAggregate
	day                          string
	count                        int64
	byDirection, byStatus, bySim map[string]int64
	records                      []onomondo.SMS
}

func (d *smsDay) reset() {
	d.count, d.records = 0, nil
	d.byDirection, d.byStatus, d.bySim = map[string]int64{}, map[string]int64{}, map[string]int64{}
}

// add counts one page of the day's messages; with a window, only those
// whose time lies in it. A message without a readable time cannot be
// placed in a window: an error.
func (d *smsDay) add(msgs []onomondo.SMS) error {
	for i, m := range msgs {
		if w := d.agg.window; w != nil {
			if m.At.IsZero() {
				return fmt.Errorf("a message of %s (number %d of its page) has no time the provider can read, so it cannot be placed in the window %s; read whole days with day or time instead", d.day, i+1, w)
			}
			if !w.Contains(m.At) {
				continue
			}
		}
		d.count++
		d.byDirection[keyOr(m.Direction, "")]++
		d.byStatus[keyOr(m.Status, "")]++
		d.bySim[keyOr(m.SimID, m.ICCID)]++
		if d.agg.keep {
			d.records = append(d.records, m)
		}
	}
	return nil
}

// readSMS reads every day of p, counting the messages; on error it returns
// nil with the diagnostics: nothing partial.
func readSMS(ctx context.Context, client *onomondo.Client, sim string, p smsPeriod, keep bool) (*smsAggregate, diag.Diagnostics) {
	var diags diag.Diagnostics
	if client == nil {
		notConfigured(&diags)
		return nil, diags
	}
	a := &smsAggregate{keep: keep, window: p.window, byStatus: map[string]int64{}, bySim: map[string]int64{}, byDay: map[string]int64{},
		byDirection: map[string]int64{"incoming": 0, "outgoing": 0}}
	for _, day := range p.days {
		d := &smsDay{agg: a, day: day}
		d.reset()
		res, err := client.ReadSMSDay(ctx, onomondo.SMSQuery{SIM: sim, Day: day}, d.add, d.reset)
		if err != nil {
			addClientError(&diags, err)
			return nil, diags
		}
		a.merge(d, res)
	}
	if a.outside > 0 {
		m := a.firstOutside
		counted := "They are counted as the API's answer for the day they were read for."
		if a.window != nil {
			counted = "They are counted when their time lies in [since, until); a message of the window near its start or end may then be in the answer of a day that was not read."
		}
		diags.AddWarning("SMS outside the UTC day they were read for",
			fmt.Sprintf("%d message(s) lie outside the UTC day the API gave them for (the first: id %s at %s, for %s): the API seems to apply "+
				"timestamp in another time zone than UTC. %s", a.outside, m.ID, m.Time, a.firstOutsideDay, counted))
	}
	if a.unread > 0 && a.window == nil {
		diags.AddWarning("Some SMS times were not read",
			fmt.Sprintf("%d message(s) had no time, or one in no known form; they are counted for the day they were read for and kept as sent in records.", a.unread))
	}
	if keep && a.count > largeStateRecords {
		diags.AddWarning("Large SMS read kept in state",
			fmt.Sprintf("This read keeps %d messages in state and in memory. If you only need the counts, set include_records = false: "+
				"the counts are the same, and state stays small.", a.count))
	}
	return a, diags
}

// merge adds a day read completely.
func (a *smsAggregate) merge(d *smsDay, res onomondo.SMSDayResult) {
	a.count += d.count
	a.byDay[d.day] = d.count
	for k, v := range d.byDirection {
		a.byDirection[k] += v
	}
	for k, v := range d.byStatus {
		a.byStatus[k] += v
	}
	for k, v := range d.bySim {
		a.bySim[k] += v
	}
	a.records = append(a.records, d.records...)
	if a.outside == 0 && res.OutsideDay > 0 {
		a.firstOutside, a.firstOutsideDay = res.FirstOutside, d.day
	}
	a.outside += res.OutsideDay
	a.unread += res.UnreadTimes
}

// smsUsageID is a stable identifier of a read's arguments.
func smsUsageID(sim string, p smsPeriod, keep bool) string {
	h := sha256.New()
	w := ""
	if p.window != nil {
		w = p.window.String()
	}
	fmt.Fprintf(h, "sms|%s|%s|%s|%t", sim, strings.Join(p.days, ","), w, keep)
	return "sms-usage-" + hex.EncodeToString(h.Sum(nil))[:24]
}

var smsRecordAttrTypes = map[string]attr.Type{
	"time":         types.StringType,
	"sim_id":       types.StringType,
	"iccid":        types.StringType,
	"direction":    types.StringType,
	"status":       types.StringType,
	"retries_left": types.Int64Type,
	"id":           types.StringType,
	"session_id":   types.StringType,
	"mcc":          types.StringType,
	"mnc":          types.StringType,
}

var (
	smsRecordObjectType    = types.ObjectType{AttrTypes: smsRecordAttrTypes}
	smsRecordTerraformType = smsRecordObjectType.TerraformType(context.Background())
)

// smsRecordsValue builds the records list as a tftypes value directly, as
// records_value.go does for usage records: through the model a message
// would cost ten times the memory.
func smsRecordsValue(msgs []onomondo.SMS) tftypes.Value {
	elems := make([]tftypes.Value, len(msgs))
	for i := range msgs {
		m := &msgs[i]
		retries := tftypes.NewValue(tftypes.Number, nil)
		if m.RetriesLeft != nil {
			retries = tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(*m.RetriesLeft))
		}
		elems[i] = tftypes.NewValue(smsRecordTerraformType, map[string]tftypes.Value{
			"time":         tfString(m.Time),
			"sim_id":       tfString(m.SimID),
			"iccid":        tfString(m.ICCID),
			"direction":    tfString(m.Direction),
			"status":       tfString(m.Status),
			"retries_left": retries,
			"id":           tfString(m.ID),
			"session_id":   tfString(m.SessionID),
			"mcc":          tfString(m.MCC),
			"mnc":          tfString(m.MNC),
		})
	}
	return tftypes.NewValue(tftypes.List{ElementType: smsRecordTerraformType}, elems)
}
