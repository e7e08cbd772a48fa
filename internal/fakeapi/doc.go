// Package fakeapi is a faithful, deterministic, in-process fake of the
// Onomondo usage API (GET /usage, GET /usage/{sim_id},
// GET /usage/tag-total/{tag_id}, GET /sims and GET /sims/{id}).
//
// It imitates what public evidence shows about the real API (see
// shared/api/README.md in the project): the bare-key Authorization header,
// the filter/filter[] query syntax, limit/offset/next_page paging with an
// opaque base64 cursor, group=hours aggregation, {"error":"<code>"} error
// bodies and fixed-window rate limiting announced through the
// x-ratelimit-limit, x-ratelimit-remaining and x-ratelimit-reset headers.
//
// The data comes from a Fleet: a deterministic, seeded set of SIMs, tags and
// usage records (NewFleet, DefaultFleet), or a large flat fleet for
// benchmarks (SyntheticFleet). A Server serves one Fleet; it can be used as
// an http.Handler, started on a loopback httptest.Server (NewTestServer), or
// run as a standalone demo process (cmd/onomondo-fake-api).
//
// GET /sims and GET /sims/{id} list the fleet's SIMs with labels, tags, data
// limits and networks, paged by cursor or by offset (SIMPaging).
//
// Faults (InjectFault) switch on, at run time, the failure modes a client
// has to survive: 5xx answers (with or without Retry-After), surprise 429s,
// slow answers, truncated or reset bodies, HTML proxy pages, empty bodies,
// and answers shaped as the evidence does not rule out: bytes as a string,
// missing, null or not a whole number, null records, upper-case country
// codes, pagination without has_more, contradicting itself or missing, and
// cursors that repeat or never end.
//
// Where the evidence leaves the rate-limit headers open, the server plays
// each reading (Options, or Set* at run time): x-ratelimit-reset as Unix
// seconds, milliseconds or seconds until the reset (ResetStyle), a server
// clock off ours (ClockSkew), a proxy that strips the headers and adds
// Retry-After (StripRateHeaders). The tag total can be any of several
// shapes (TagShape), including a paged usage list. A Chaos (NewChaos)
// mixes seeded random transport trouble into every request for randomized
// runs.
//
// Everything a Server exposes is safe for concurrent use.
package fakeapi
