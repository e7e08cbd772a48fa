package provider

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
	"github.com/onomondo/terraform-provider-onomondo/internal/window"
)

// recordScope decides, record by record, which records of a scoped read
// count: those that start inside the window (when there is one) and belong
// to the SIMs of the tags asked for (when there are some). A record that
// cannot be placed (no readable time in a window read, no SIM in a tag
// read, another SIM in a read of one SIM) is an error that names it: it is
// never counted, nor dropped, in silence.
type recordScope struct {
	window *window.Window // nil: any start time
	sims   *tagSIMs       // nil: any SIM

	// The read in progress.
	period window.Window // the period its time filter asks for; zero: none
	sim    *onomondo.SIM // the one SIM it asks for; nil: a fleet read
	name   string        // what it read, for errors: "the read of 2025-03-01"

	// Records that started before, or at or after, the period their read
	// asked for: evidence that the API applies its time filter in another
	// time zone than UTC (see scopedRead.readEdges).
	before, after int64
}

// counts reports whether record r, which started at t (timeOK false: its
// time is unreadable), counts.
func (s *recordScope) counts(r *onomondo.Record, t time.Time, timeOK bool) (bool, error) {
	ofSIMs := true
	if s.sims != nil {
		var err error
		if ofSIMs, err = s.ofSIMs(r); err != nil {
			return false, err
		}
	}
	if timeOK && !s.period.Since.IsZero() {
		switch {
		case t.Before(s.period.Since):
			s.before++
		case !t.Before(s.period.Until):
			s.after++
		}
	}
	if !ofSIMs || s.window == nil {
		return ofSIMs, nil
	}
	if !timeOK {
		return false, &unplacedRecord{
			summary: "Usage record without a readable time",
			detail: fmt.Sprintf("%s returned %s whose time is neither the API's \"YYYY-MM-DD HH:MM:SS\" nor RFC 3339. "+
				"A window counts a record by its start time, so this record cannot be placed inside or outside %s, and "+
				"the provider does not guess. Read whole periods with time instead: there every record of the period counts.",
				upperFirst(s.name), recordName(r), s.window),
		}
	}
	return s.window.Contains(t), nil
}

// ofSIMs reports whether r belongs to the SIMs asked for. In a read of one
// SIM, every record must be that SIM's (one without any SIM field is taken
// as the API's answer for it); in a fleet read, a record must name its SIM.
func (s *recordScope) ofSIMs(r *onomondo.Record) (bool, error) {
	if s.sim != nil {
		if sameSIM(r, s.sim) {
			return true, nil
		}
		return false, &unplacedRecord{
			summary: "Usage record of another SIM",
			detail: fmt.Sprintf("%s returned %s: the API did not apply the SIM filter, and counting it would add another "+
				"SIM's usage to the tags' totals. Nothing was counted.", upperFirst(s.name), recordName(r)),
		}
	}
	if r.SimID == "" && r.ICCID == "" {
		return false, &unplacedRecord{
			summary: "Usage record without a SIM",
			detail: fmt.Sprintf("%s returned %s, which has neither sim_id nor iccid, so it cannot be told whether it "+
				"belongs to a SIM of the tags asked for. Nothing was counted.", upperFirst(s.name), recordName(r)),
		}
	}
	return s.sims.has(r), nil
}

// sameSIM reports whether r can be sim's record: its sim_id, or else its
// ICCID (with or without the check digit), does not name another SIM.
func sameSIM(r *onomondo.Record, sim *onomondo.SIM) bool {
	switch {
	case r.SimID != "" && sim.ID != "":
		return r.SimID == sim.ID
	case r.ICCID != "" && sim.ICCID != "":
		return strings.HasPrefix(r.ICCID, sim.ICCID) || strings.HasPrefix(sim.ICCID, r.ICCID)
	}
	return true
}

// unplacedRecord is a record a scoped read cannot place.
type unplacedRecord struct{ summary, detail string }

func (e *unplacedRecord) Error() string { return e.summary + ": " + e.detail }

// Characters a server string may hold to be quoted in a message. An API key
// (`onok_<x>.<y>`) never passes both checks, and anything else is described
// rather than shown: a proxy may echo the key into any field.
const (
	timeChars   = "0123456789-: TZ+."
	digitChars  = "0123456789"
	billIDChars = "0123456789abcdefABCDEF-"
)

// shown quotes s when it is short and made of chars only; otherwise it
// says what it is without showing it.
func shown(s, chars string) string {
	if s == "" {
		return "empty"
	}
	if len(s) <= 40 && strings.Trim(s, chars) == "" {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("a value of %d bytes (not shown)", len(s))
}

// recordName names a record in an error by its SIM, time and bill id.
func recordName(r *onomondo.Record) string {
	sim := "no sim_id"
	switch {
	case r.SimID != "":
		sim = "SIM " + shown(r.SimID, digitChars)
	case r.ICCID != "":
		sim = "ICCID " + shown(r.ICCID, digitChars)
	}
	return fmt.Sprintf("a record (%s, time %s, bill_id %s)", sim, shown(r.Time, timeChars), shown(r.BillID, billIDChars))
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
