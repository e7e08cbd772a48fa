// Package fakeapi is the offline Onomondo API: a deterministic, in-process
// fake of GET /usage, GET /usage/{sim_id}, GET /usage/tag-total/{tag_id},
// GET /sims and GET /sims/{id}, for the demo, the guides, the benchmarks
// and the acceptance tests.
//
// It serves what public evidence shows about the real API, one plain
// reading of it: the bare-key Authorization header, key scopes by tag, the
// filter/filter[] query syntax, limit/offset/next_page paging with an opaque
// base64 cursor, group=hours aggregation, {"error":"<code>"} error bodies and
// the documented rate limit (600 requests a minute, announced through
// x-ratelimit-limit, x-ratelimit-remaining and x-ratelimit-reset in Unix
// seconds, then 429). GET /sims pages by cursor, by offset or not at all
// (SIMPaging), since the evidence shows all three.
//
// It is not a fault engine: the other readings the evidence leaves open
// (reset headers in other units, skewed clocks, stripped headers, other
// answer shapes) and every fault a client must survive are small handlers
// beside the tests that need them, mostly the client's own
// (internal/onomondo), which run them on a fake clock.
//
// The data comes from a Fleet: a deterministic, seeded set of SIMs, tags and
// usage records (NewFleet, DefaultFleet), a large flat fleet for
// benchmarks (SyntheticFleet), or a fleet of any size whose SIMs all report
// every 15 minutes up to an end such as now, made on demand rather than
// stored (FleetOptions.AlwaysOn, alwayson.go and alwayson_pages.go). A Server serves one Fleet; it is an
// http.Handler, can be started on a loopback httptest.Server
// (NewTestServer), or run as a standalone process (cmd/onomondo-fake-api).
// Each endpoint family has its file: usage.go (with paging.go, query.go and
// group.go), tagtotal.go, sims.go.
//
// Everything a Server exposes is safe for concurrent use.
package fakeapi
