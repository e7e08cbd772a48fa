package fakeapi

// The usage pages of an always-on fleet. A query's answer is a run of
// slots (15-minute steps, or hours with group=hours) times the SIMs it
// keeps, in the API's order: by time, then SIM id. In a step the SIMs
// report in order of their phase; an hour's grouped records all start on
// the hour, so they go in id order. Every slot holds the same SIMs but the
// last, which the end of the data may cut. So position p is found by
// arithmetic, a page is made record by record when asked for, and the
// next_page cursor is <time of the next record>@<its position>, accepted
// only back on a query whose list has that record there.

// genList is the answer list of one usage query over an always-on fleet.
type genList struct {
	g       *alwaysOn
	hours   bool    // group=hours
	first   int64   // first slot, counted from the fleet's start
	full    int     // slots that hold every SIM of members
	members []int32 // the SIMs of a full slot, in order
	tail    []int32 // the SIMs of the slot after the full ones, cut by the end
}

// newGenList is the list of uq over g, for the SIMs keep admits (nil:
// every SIM).
func newGenList(g *alwaysOn, uq usageQuery, keep func(int32) bool) *genList {
	l := &genList{g: g, hours: uq.grouped, members: g.byPhase}
	slot := int64(chunkSeconds)
	if uq.grouped {
		slot, l.members = 3600, g.byID
	}
	if keep != nil {
		var kept []int32
		for _, i := range l.members {
			if keep(i) {
				kept = append(kept, i)
			}
		}
		l.members = kept
	}
	from, to := g.start, g.end
	if uq.hasTime { // filter periods start on a UTC midnight, like the fleet
		from, to = max(from, uq.from.Unix()), min(to, uq.to.Unix())
	}
	if from >= to {
		l.members = nil
		return l
	}
	l.first = (from - g.start) / slot
	last := (to - g.start) / slot
	l.full = int(last - l.first)
	if cut := to - g.start - last*slot; cut > 0 {
		for _, i := range l.members {
			if g.per[i].phase < cut { // its first record in the slot starts before the end
				l.tail = append(l.tail, i)
			}
		}
	}
	return l
}

// len is the number of records in the list.
func (l *genList) len() int { return l.full*len(l.members) + len(l.tail) }

// at is the record at position p (0 <= p < len).
func (l *genList) at(p int) Record {
	m := len(l.members)
	slot, i := l.first+int64(l.full), int32(0)
	if p < l.full*m {
		slot, i = l.first+int64(p/m), l.members[p%m]
	} else {
		i = l.tail[p-l.full*m]
	}
	if l.hours {
		return l.g.hour(i, slot)
	}
	return l.g.record(i, slot)
}

// resume returns the position a cursor points at, if it fits this list.
func (l *genList) resume(cursor string) (int, bool) {
	t, p, ok := decodeCursor(cursor)
	if !ok || p < 0 || p >= l.len() || !l.at(p).Time.Equal(t) {
		return 0, false
	}
	return p, true
}

// page is the usage page from position start, after skipping offset
// records, with at most limit records.
func (l *genList) page(start, offset, limit int) usagePage {
	n := l.len()
	p := n
	if offset < n-start {
		p = start + offset
	}
	end := p + min(limit, n-p)
	out := usagePage{Usage: make([]Record, 0, end-p)}
	for ; p < end; p++ {
		out.Usage = append(out.Usage, l.at(p))
	}
	if end < n {
		out.Pagination = pagination{HasMore: true, NextPage: encodeCursor(l.at(end).Time, end)}
	}
	return out
}

// genUsage answers a usage query over an always-on fleet: sim is the SIM
// asked for (-1: none), empty a query that matches nothing.
func (s *Server) genUsage(g *alwaysOn, uq usageQuery, sim int32, empty bool) (any, *apiError) {
	var keep func(int32) bool
	if empty || sim >= 0 || s.allowed != nil || uq.country != "" {
		keep = func(i int32) bool {
			return !empty && (sim < 0 || i == sim) && s.simAllowed(i) && (uq.country == "" || g.per[i].country == uq.country)
		}
	}
	return answer(newGenList(g, uq, keep), 0, uq)
}
