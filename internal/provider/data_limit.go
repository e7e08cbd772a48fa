package provider

import (
	"math/big"
	"strings"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// What a SIM's data limit means, as Onomondo's help centre documents it
// (internal/onomondo/doc.go, the GET /sims paragraph): the SIM is blocked
// once `used` reaches `total`, until the period ends; `alert_threshold` is
// headroom below the limit, so the usage alert fires once `used` reaches
// `total - alert_threshold`. A session can overshoot the limit by about
// 100 KB, so `used` can exceed `total`.

// Values of data_limit.state.
const (
	limitOK      = "ok"
	limitAlert   = "alert"
	limitBlocked = "blocked"
)

// limitReading is what a data limit says beyond its raw fields. A nil
// pointer or an empty state is null.
type limitReading struct {
	alertAt *int64   // total - alert_threshold, at least 0
	percent *float64 // used / total * 100, the float64 nearest the exact ratio
	state   string   // limitOK, limitAlert, limitBlocked, or "" (unknown)
}

// readLimit works out alert_at, percent_used and state from a data limit.
//
//   - alert_at is total - alert_threshold; 0 when the threshold is at least
//     the limit (the alert fires at once); null without a threshold or a
//     total.
//   - percent_used is null when used or total is null, or total is 0.
//   - state is blocked when used >= total, else alert when used >= alert_at,
//     else ok; null when used or total is null.
func readLimit(d *onomondo.DataLimit) limitReading {
	var r limitReading
	if d == nil || d.Total == nil {
		return r
	}
	total := *d.Total
	if d.AlertThreshold != nil {
		at := max(total-*d.AlertThreshold, 0)
		r.alertAt = &at
	}
	if d.Used == nil {
		return r
	}
	used := *d.Used
	if total > 0 {
		// Exact ratio first, one rounding at the end: used*100 may not fit
		// in 64 bits.
		ratio := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(used), big.NewInt(100)), big.NewInt(total))
		pct, _ := ratio.Float64()
		r.percent = &pct
	}
	switch {
	case used >= total:
		r.state = limitBlocked
	case r.alertAt != nil && used >= *r.alertAt:
		r.state = limitAlert
	default:
		r.state = limitOK
	}
	return r
}

// monthlyUsed is a SIM's use of its monthly data limit in the current
// month: ok is false when the SIM has no limit, a limit of another type
// (its used then counts another period), or used null.
func monthlyUsed(d *onomondo.DataLimit) (used int64, ok bool) {
	if d == nil || d.Used == nil || !strings.EqualFold(d.Type, "monthly") {
		return 0, false
	}
	return *d.Used, true
}
