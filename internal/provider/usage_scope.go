package provider

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
	"github.com/onomondo/terraform-provider-onomondo/internal/window"
)

// usageScope narrows a usage read to an exact window [since, until), to the
// SIMs of some tags, or both. The zero value reads the query as it is, in
// one paged read.
type usageScope struct {
	window *window.Window
	tags   *tagSIMs
}

func (s usageScope) zero() bool { return s.window == nil && s.tags == nil }

// usageClient is what a usage read needs of the API client.
type usageClient interface {
	ReadUsage(ctx context.Context, q onomondo.UsageQuery, visit func([]onomondo.Record) error) (onomondo.ReadResult, error)
}

// maxZoneOffset is the farthest any time zone lies from UTC.
const maxZoneOffset = 14 * time.Hour

// scopedRead is a read of several periods, each one normal paged read of
// the API's time filter (same other filters), summed into one aggregate:
//
//   - A window is covered by window.Cover: whole years and months inside
//     it, days elsewhere. A record counts when its start time lies in
//     [since, until), whatever period's read returned it.
//   - With tags, each period is read either as one fleet read kept to the
//     tags' SIMs, or as one read per SIM (see readTagged).
type scopedRead struct {
	c     usageClient
	q     onomondo.UsageQuery // a window's periods are added as the time filter
	keep  bool
	agg   *usageAggregate
	scope *recordScope
	tags  *tagSIMs
	res   onomondo.ReadResult // the pages and records of every read
	// perSIMFrom is the shortest period whose fleet read ran past its cap
	// (tags): periods as long or longer go straight to per-SIM reads.
	perSIMFrom time.Duration
}

func newScopedRead(c usageClient, q onomondo.UsageQuery, keep bool, s usageScope) *scopedRead {
	scope := &recordScope{window: s.window, sims: s.tags}
	agg := newUsageAggregate(keep)
	agg.scope = scope
	return &scopedRead{c: c, q: q, keep: keep, agg: agg, scope: scope, tags: s.tags, perSIMFrom: math.MaxInt64}
}

// run reads every period. Its result is complete: no paging arguments
// apply to a scoped read.
func (r *scopedRead) run(ctx context.Context) (diag.Diagnostics, error) {
	if r.scope.window == nil {
		return nil, r.readPeriod(ctx, "")
	}
	cover := r.scope.window.Cover()
	for _, p := range cover {
		if err := r.readPeriod(ctx, p); err != nil {
			return nil, err
		}
	}
	return r.readEdges(ctx, cover)
}

// readPeriod reads one period p of the API's time filter ("": the query's
// own filters, as they are).
func (r *scopedRead) readPeriod(ctx context.Context, p string) error {
	q := r.q
	q.Filters = slices.Clone(q.Filters)
	r.scope.period, r.scope.name = window.Window{}, "the read"
	if p != "" {
		q.Filters = append(q.Filters, onomondo.Filter{Key: "time", Value: p})
		r.scope.period, _ = window.Period(p) // p comes from window.Cover
		r.scope.name = "the read of " + p
	}
	if r.tags == nil {
		res, err := r.read(ctx, q, r.agg, nil)
		r.keepWarnings(res)
		return err
	}
	return r.readTagged(ctx, q)
}

// readTagged reads the usage of the tags' SIMs in one period, by the
// cheaper of two routes, in requests:
//
//   - one fleet read of the period, keeping the tags' records: as many
//     pages as the whole fleet has records in the period;
//   - one read per SIM (filter sim_id): at least one page per SIM, and
//     otherwise as many pages as the tags' own records.
//
// Which is cheaper depends on records per SIM, which only the reads show.
// So the fleet read goes first, capped at one page per SIM of the tags;
// if the period has more, it is dropped and the SIMs are read one by one.
// Either way the period costs at most about twice the cheaper route, and
// the fleet read is never more than the per-SIM reads could cost. Once a
// period went per SIM, periods at least as long go straight per SIM.
func (r *scopedRead) readTagged(ctx context.Context, q onomondo.UsageQuery) error {
	span := r.scope.period.Until.Sub(r.scope.period.Since)
	if span < r.perSIMFrom {
		page := q.Limit
		if page <= 0 {
			page = onomondo.MaxPageSize
		}
		fleet := q
		fleet.MaxRecords = int64(len(r.tags.sims)) * int64(page)
		part := newUsageAggregate(r.keep)
		part.scope = r.scope
		res, err := r.read(ctx, fleet, part, nil)
		if err != nil {
			return err
		}
		if !res.StoppedAtMax {
			r.keepWarnings(res)
			return r.agg.merge(part)
		}
		r.perSIMFrom = span
	}
	name := r.scope.name
	for i := range r.tags.sims {
		s := &r.tags.sims[i]
		one := q
		one.Filters = slices.Clone(q.Filters)
		if s.ID != "" {
			one.Filters = append(one.Filters, onomondo.Filter{Key: "sim_id", Value: s.ID})
		} else {
			one.SIM = s.ICCID
		}
		r.scope.name = name + " for SIM " + cmpOrQuote(s.ID, s.ICCID)
		res, err := r.read(ctx, one, r.agg, s)
		if err != nil {
			return err
		}
		r.keepWarnings(res)
	}
	return nil
}

// keepWarnings keeps what a period's read noticed, but records just
// outside its period: a window counts every record by its own start time,
// and readEdges says what the time filter's zone did.
func (r *scopedRead) keepWarnings(res onomondo.ReadResult) {
	for _, w := range res.Warnings {
		if w.Kind != onomondo.WarningOutsidePeriod || r.scope.window == nil {
			r.res.Warnings = append(r.res.Warnings, w)
		}
	}
}

// read is one paged read of q into agg; sim is the SIM a per-SIM read asks
// for.
func (r *scopedRead) read(ctx context.Context, q onomondo.UsageQuery, agg *usageAggregate, sim *onomondo.SIM) (onomondo.ReadResult, error) {
	r.scope.sim = sim
	res, err := r.c.ReadUsage(ctx, q, agg.add)
	r.res.Pages += res.Pages
	r.res.Records += res.Records
	return res, err
}

// readEdges makes sure a window misses nothing at its edges when the API
// applies its time filter in another time zone than UTC (the evidence
// leaves the zone open; record times are UTC). Then each period's read is
// shifted by the zone's offset: records show up before the period asked
// for (a zone east of UTC) or after it (west), and those at the far edge
// of the cover are in the neighbouring period, which was not read. The
// cover's periods still tile time without overlap in any fixed zone, so
// every record is read once, and counted by its own start time.
//
// So when some record started outside its read's period, the day beyond
// that edge is read as well, if the window comes within maxZoneOffset of
// it: at most two more reads, and none at all while the API keeps to UTC.
// A warning says what was seen and read.
func (r *scopedRead) readEdges(ctx context.Context, cover []string) (diag.Diagnostics, error) {
	before, after := r.scope.before, r.scope.after
	if before == 0 && after == 0 {
		return nil, nil
	}
	w := r.scope.window
	first, _ := window.Period(cover[0])
	last, _ := window.Period(cover[len(cover)-1])
	var extra []string
	if after > 0 && w.Since.Before(first.Since.Add(maxZoneOffset)) {
		extra = append(extra, first.Since.AddDate(0, 0, -1).Format(time.DateOnly))
	}
	if before > 0 && w.Until.After(last.Until.Add(-maxZoneOffset)) {
		extra = append(extra, last.Until.Format(time.DateOnly))
	}
	for _, p := range extra {
		if err := r.readPeriod(ctx, p); err != nil {
			return nil, err
		}
	}
	read := "No edge of the window lies within 14 hours of the periods read, so no record can be missing."
	if len(extra) > 0 {
		read = "So that no record at the window's edges is missed, the provider also read " + strings.Join(extra, " and ") +
			" (one more paged read each)."
	}
	var diags diag.Diagnostics
	diags.AddWarning("The API's time filter does not seem to follow UTC",
		fmt.Sprintf("Of the records read for the window %s, %d started before the period their read asked for and %d after it "+
			"(record times are UTC): the API seems to apply its time filter in another time zone. Every record counts once, by "+
			"its own start time. %s", w, before, after, read))
	return diags, nil
}

// cmpOrQuote is id, or else the ICCID, for a message.
func cmpOrQuote(id, iccid string) string {
	if id != "" {
		return id
	}
	return "with ICCID " + iccid
}
