package fakeapi

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// GET /sms/usage/ and GET /sms/usage/{sim_id}: the SMS log of the fleet, as
// Onomondo's SMS docs page describes it (see internal/onomondo/doc.go). A day is
// asked for with timestamp=YYYY-MM-DD (no timestamp: every day), pages with
// limit (1-1000, default 1000) and offset, in order ASC or DESC (default
// DESC: newest first). The answer is
//
//	{"data": [...], "pagination": {"count", "limit", "offset", "total"}}
//
// The log is deterministic for a fleet (SMSLog). A test can make messages
// arrive while a client reads (Server.AppendSMS): they are the day's newest,
// so in ASC order they join the end of the list, and in DESC order they
// shift every offset after them.

// SMS is one message of the SMS log. No content: the API returns none.
type SMS struct {
	Time        time.Time // UTC, millisecond precision
	ID          string    // UUID
	SimID       string    // 9 digits
	ICCID       string
	Direction   string // SMSIncoming or SMSOutgoing
	Status      string // one of SMSStatuses
	RetriesLeft int
	SessionID   string // UUID
	MCC, MNC    string
}

// Directions of a message.
const (
	SMSIncoming = "incoming"
	SMSOutgoing = "outgoing"
)

// SMSStatuses are the statuses of the generated log. The docs show only
// "success"; the others are the failed and pending kinds a client must
// expect.
var SMSStatuses = []string{"success", "failed", "pending", "expired"}

// CodeInvalidTimestamp and CodeInvalidOrder answer a bad timestamp or
// order parameter.
const (
	CodeInvalidTimestamp = "invalid_timestamp"
	CodeInvalidOrder     = "invalid_order"
)

// smsLoopMessages is the size of the send loop in the generated log: one
// SIM sends this many messages on one day, more than one page.
const smsLoopMessages = 1200

// SMSLog returns the deterministic SMS log of f, sorted by time: from the
// day of f's first usage record to the day of its last. Every fourth SIM,
// and every SIM without usage, sends and receives no SMS; the others a few
// a day, mostly outgoing and delivered (92%), some failed (3%), pending
// (3%) or expired (2%).
// The second SIM runs into a send loop two thirds into the span: 1200
// outgoing messages in an hour, most of them failed.
func SMSLog(f *Fleet) []SMS {
	n, first, last := f.Extent()
	if n == 0 {
		return nil
	}
	first, last = dayOf(first), dayOf(last)
	days := int(last.Sub(first)/(24*time.Hour)) + 1
	var out []SMS
	for i, sim := range f.SIMs {
		home, ok := f.firstRecord(i)
		if i%4 == 3 || !ok {
			continue
		}
		n, _ := strconv.ParseInt(sim.ID, 10, 64)
		rng := newPRNG(n)
		rate := 1 + rng.intn(5)
		for d := range days {
			day := first.AddDate(0, 0, d)
			for range rng.intn(rate + 1) {
				at := day.Add(time.Duration(rng.int63n(24*3600*1000)) * time.Millisecond)
				out = append(out, newSMS(rng, sim, home, at, rng.percent(40), ""))
			}
		}
		if i == 1 {
			loop := first.AddDate(0, 0, days*2/3).Add(14 * time.Hour)
			for k := range smsLoopMessages {
				status := "failed"
				if k%10 == 0 {
					status = "success"
				}
				out = append(out, newSMS(rng, sim, home, loop.Add(time.Duration(k)*3*time.Second), false, status))
			}
		}
	}
	slices.SortStableFunc(out, func(a, b SMS) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// newSMS draws one message of sim at at; status "" draws one too.
func newSMS(rng *prng, sim SIM, home Record, at time.Time, incoming bool, status string) SMS {
	m := SMS{Time: at, ID: rng.uuid(), SimID: sim.ID, ICCID: sim.ICCID, Direction: SMSOutgoing, SessionID: rng.uuid(), MCC: home.MCC, MNC: home.MNC}
	if incoming {
		m.Direction = SMSIncoming
	}
	m.Status = status
	if status == "" {
		switch p := rng.intn(100); {
		case p < 92:
			m.Status = "success"
		case p < 95:
			m.Status = "failed"
		case p < 98:
			m.Status = "pending"
		default:
			m.Status = "expired"
		}
	}
	switch m.Status {
	case "success":
		m.RetriesLeft = 9 - rng.intn(3)
	case "pending":
		m.RetriesLeft = 1 + rng.intn(8)
	}
	return m
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// smsStore is a Server's SMS log: SMSLog of its fleet, built on first use,
// plus what AppendSMS added; per UTC day, in ascending order.
type smsStore struct {
	once     sync.Once
	mu       sync.Mutex
	byDay    map[string][]SMS
	days     []string // sorted
	appended int
}

func (st *smsStore) init(f *Fleet) {
	st.once.Do(func() {
		st.byDay = map[string][]SMS{}
		for _, m := range SMSLog(f) {
			st.add(m)
		}
	})
}

func (st *smsStore) add(m SMS) {
	day := m.Time.Format(time.DateOnly)
	if _, ok := st.byDay[day]; !ok {
		i, _ := slices.BinarySearch(st.days, day)
		st.days = slices.Insert(st.days, i, day)
	}
	st.byDay[day] = append(st.byDay[day], m)
}

// SMS returns the server's SMS log as it is now (AppendSMS included), in
// ascending order.
func (s *Server) SMS() []SMS {
	s.sms.init(s.fleet)
	s.sms.mu.Lock()
	defer s.sms.mu.Unlock()
	var out []SMS
	for _, d := range s.sms.days {
		out = append(out, s.sms.byDay[d]...)
	}
	return out
}

// AppendSMS makes n new messages of SIM simID arrive on day (YYYY-MM-DD),
// as the newest of that day: each a millisecond after the day's last (the
// last millisecond of the day at most), with statuses taking turns. It
// returns them. Tests call it between two pages of a read.
func (s *Server) AppendSMS(day, simID string, n int) []SMS {
	s.sms.init(s.fleet)
	sim, ok := s.fleet.SIMByID(simID)
	if !ok {
		panic("AppendSMS: no SIM " + simID)
	}
	start, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic("AppendSMS: " + err.Error())
	}
	s.sms.mu.Lock()
	defer s.sms.mu.Unlock()
	at := start
	if list := s.sms.byDay[day]; len(list) > 0 {
		at = list[len(list)-1].Time
	}
	out := make([]SMS, n)
	for k := range out {
		s.sms.appended++
		rng := newPRNG(int64(s.sms.appended))
		if at = at.Add(time.Millisecond); !at.Before(start.Add(24 * time.Hour)) {
			at = start.Add(24*time.Hour - time.Millisecond)
		}
		out[k] = newSMS(rng, sim, Record{MCC: "238", MNC: "01"}, at, k%3 == 2, SMSStatuses[k%len(SMSStatuses)])
		s.sms.add(out[k])
	}
	return out
}

// smsQuery is a validated SMS usage request.
type smsQuery struct {
	day    string // "" for every day
	limit  int
	offset int
	asc    bool
}

func parseSMSQuery(v url.Values) (smsQuery, *apiError) {
	q := smsQuery{}
	var aerr *apiError
	if q.limit, q.offset, aerr = parseLimitOffset(v); aerr != nil {
		return q, aerr
	}
	if vals, ok := v["timestamp"]; ok {
		if len(vals) != 1 || len(vals[0]) != 10 || !allDigits(strings.ReplaceAll(vals[0], "-", "")) || vals[0][4] != '-' || vals[0][7] != '-' {
			return q, badRequest(CodeInvalidTimestamp)
		}
		q.day = vals[0]
	}
	if vals, ok := v["order"]; ok {
		switch {
		case len(vals) == 1 && vals[0] == "ASC":
			q.asc = true
		case len(vals) == 1 && vals[0] == "DESC":
		default:
			return q, badRequest(CodeInvalidOrder)
		}
	}
	return q, nil
}

// wireSMS is m as the API writes a message, in the order of its docs.
func wireSMS(m SMS) object {
	return object{{"time", m.Time.Format(simTimeLayout)}, {"sim_id", m.SimID}, {"iccid", m.ICCID},
		{"direction", m.Direction}, {"status", m.Status}, {"retries_left", m.RetriesLeft}, {"id", m.ID},
		{"session_id", m.SessionID}, {"network", object{{"mcc", m.MCC}, {"mnc", m.MNC}}}}
}

// smsUsage answers GET /sms/usage/ (simPath "") and GET
// /sms/usage/{simPath}.
func (s *Server) smsUsage(simPath string, v url.Values) (any, *apiError) {
	sim := int32(-1)
	if simPath != "" {
		i, ok := s.fleet.idx().simByKey[simPath]
		switch {
		case len(simPath) != 9 || !allDigits(simPath) || !ok:
			return nil, errSIMNotFound
		case !s.simAllowed(i):
			return nil, errForbidden
		}
		sim = i
	}
	q, aerr := parseSMSQuery(v)
	if aerr != nil {
		return nil, aerr
	}
	s.sms.init(s.fleet)
	s.sms.mu.Lock()
	var list []SMS
	for _, d := range s.sms.days {
		if q.day != "" && d != q.day {
			continue
		}
		for _, m := range s.sms.byDay[d] {
			i := s.fleet.idx().simByKey[m.SimID]
			if (sim < 0 && s.simAllowed(i)) || i == sim {
				list = append(list, m)
			}
		}
	}
	s.sms.mu.Unlock()
	if !q.asc {
		slices.Reverse(list)
	}
	page := list[min(q.offset, len(list)):min(q.offset+q.limit, len(list))]
	data := make([]object, len(page))
	for k, m := range page {
		data[k] = wireSMS(m)
	}
	return object{{"data", data}, {"pagination", object{{"count", len(page)}, {"limit", q.limit}, {"offset", q.offset}, {"total", len(list)}}}}, nil
}
