// Package projection extrapolates usage so far to the end of a period:
// the arithmetic behind the provider function project_bytes, in plain Go.
package projection

import (
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/onomondo/terraform-provider-onomondo/internal/window"
)

// Project returns the linear projection of bytes, used in period from its
// start until at, to the period's end: bytes * length / elapsed, in exact
// integer arithmetic, rounded to the nearest byte (halves up).
//
//   - at after the period's start and before its end: the projection.
//   - at at or after the end: bytes unchanged (the period is complete).
//   - at at or before the start: an error, since no part of the period has
//     passed, so there is no rate to project.
//
// A result above the largest 64-bit integer, and negative bytes, are
// errors.
func Project(bytes int64, period string, at time.Time) (int64, error) {
	if bytes < 0 {
		return 0, fmt.Errorf("cannot project %d bytes: usage is never negative", bytes)
	}
	w, err := window.Period(period)
	if err != nil {
		return 0, err
	}
	at = at.UTC()
	switch {
	case !at.Before(w.Until):
		return bytes, nil
	case at.Before(w.Since):
		return 0, fmt.Errorf("the period %s has not begun at %s (it begins at %s): there is no usage of it to project yet",
			period, at.Format(time.RFC3339Nano), w.Since.Format(time.RFC3339))
	case at.Equal(w.Since):
		return 0, fmt.Errorf("the period %s begins at %s, the instant given: none of it has passed, so there is no usage rate to project",
			period, at.Format(time.RFC3339Nano))
	}
	// Nanoseconds: a year is about 3.2e16, times at most 9.2e18 bytes, so
	// the product needs big integers.
	length := big.NewInt(w.Until.Sub(w.Since).Nanoseconds())
	elapsed := big.NewInt(at.Sub(w.Since).Nanoseconds())
	num := new(big.Int).Mul(big.NewInt(bytes), length)
	// round(num / elapsed), halves up: floor((2*num + elapsed) / (2*elapsed)).
	num.Lsh(num, 1).Add(num, elapsed)
	q := num.Quo(num, new(big.Int).Lsh(elapsed, 1))
	if !q.IsInt64() {
		return 0, &OverflowError{fmt.Sprintf("the projection of %d bytes, used in the first %s of %s, is %s bytes: beyond the largest 64-bit integer (%d)",
			bytes, at.Sub(w.Since), period, q.String(), int64(math.MaxInt64))}
	}
	return q.Int64(), nil
}

// OverflowError is a projection beyond the 64-bit integer range: an error
// of the arguments together rather than of one of them.
type OverflowError struct{ msg string }

func (e *OverflowError) Error() string { return e.msg }
