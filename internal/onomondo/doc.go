// Package onomondo is a plain-Go client for the Onomondo API: the usage
// endpoints GET /usage, GET /usage/{sim_id} and GET
// /usage/tag-total/{tag_id}, the SIM endpoints GET /sims and GET
// /sims/{id}, and the SMS log GET /sms/usage/ and GET /sms/usage/{sim_id}.
//
// It gets authentication, query encoding, paging, rate limits, retries and
// errors right, and knows nothing of Terraform: the provider turns its
// results into framework values and its *Error into diagnostics.
//
// # The API, as the evidence shows it
//
// The live API (https://api.onomondo.com) could not be reached while this
// was built. What the client relies on comes from the contract we were given
// (OpenAPI fragments of the three usage endpoints, which type every body
// only as "object") and from public evidence: Onomondo's documentation and
// help centre, and open-source clients (C#, PHP, TypeScript) that call it in
// production. Where the evidence is silent, this says so; the fake API
// (internal/fakeapi) plays this reading, not the API.
//
// Authentication: the header "Authorization: <key>", the raw key with no
// "Bearer " prefix (the contract's apiKey scheme; every real client sends
// the bare key, although Onomondo's SMS page writes "Bearer <token>"). Keys
// look like onok_<x>.<y>. HTTPS only. A key belongs to one organisation and
// may be restricted to the SIMs of some tags, so a 403 on a SIM or tag
// outside its scope is normal.
//
// GET /usage and GET /usage/{sim_id} ({sim_id}: the 9-digit, zero-padded
// SIM id, or the ICCID, 18-22 digits) take "filter=key:value", or several
// as "filter[]=k:v&filter[]=k2:v2", with the keys time ("2020", "2020-01"
// or "2020-01-30"), sim_id (on /usage only) and country_code (ISO 3166
// alpha-2, lower case); "limit" (1-1000, default 1000); "offset"; the opaque
// cursor "next_page"; and "group=hours" ("grouping the records by hours").
// The answer is {"usage": [record...], "pagination": {"has_more": bool,
// "next_page": string}}; a record is {"time": "2020-02-03 07:49:13" (UTC,
// not RFC 3339), "bill_id", "sim_id", "iccid", "session_id", "bytes" (the
// total of a chunk of about 15 minutes of a session; no upload/download
// split, no cost), "country_code", "network_type", "network": {"mcc",
// "mnc"} (strings: "06" keeps its zero)}. The last page says has_more
// false, with next_page absent; absent, null and "" mean the same. Clients
// send filter, limit and group again with every next_page.
//
// GET /usage/tag-total/{tag_id} ({tag_id}: a tag UUID) is one total for the
// SIMs that carry the tag; no public source shows its body, and it takes no
// time filter. It is decoded leniently (tag_total.go): a numeric total
// under bytes, total, total_bytes or usage, or a usage array of records
// whose bytes are summed; the raw JSON is kept for the caller.
//
// GET /sims (limit, next_page; filter[]=online:true, activated:true,
// connector:<name>, network_whitelist:<name>) and GET /sims/{id} (9-digit id
// or ICCID) are not in the contract. The clients show cursor paging
// ({"sims": [...], "pagination": {"has_more", "next_page"}}); the docs page
// shows offset paging ({"count", "limit", "offset", "total", "sims": [...]}):
// both are handled (sims.go). A SIM carries id, iccid, label, activated,
// online, tags [{id, name, ...}], network {name, country, country_code (upper
// case here), mcc, mnc} (all null when offline), and data_limit {used,
// total, type, period, alert_threshold, resets_at} (times ISO 8601 with Z).
// data_limit.used can be null, and data_limit may be absent (the docs' list
// example has none; alert data needs the "Pro" package). The meaning of the
// top-level "usage" number is undocumented and differs from
// data_limit.used: it is not read. From Onomondo's help centre: every SIM
// has a data limit (default 10 GB a month, periods as short as a minute); an
// alert fires at total - alert_threshold (headroom below the limit, not a
// level of use); a session may overshoot the limit by about 100 KB, so used
// can exceed total.
//
// GET /sms/usage/ and GET /sms/usage/{sim_id} (the docs' SMS page) page by
// offset (limit 1-1000, offset; timestamp, a day YYYY-MM-DD; order ASC or
// DESC) and answer {"data": [{time, sim_id, iccid, direction
// (incoming/outgoing), status, retries_left, id, session_id, network}],
// "pagination": {count, limit, offset, total}}; there is no month filter.
//
// Errors carry {"error": "<snake_case_code>"} (sim_id_not_found, ...);
// anything else may come from a proxy (HTML, empty). Expected statuses: 400
// (bad filter), 401 (bad or missing key), 403 (outside the key's scope), 404
// (unknown SIM or tag), 429, 5xx.
//
// Rate limit: 600 requests a minute, counted per client IP address, not per
// key (CI runners behind one NAT share it). Every answer carries
// x-ratelimit-limit, x-ratelimit-remaining and x-ratelimit-reset (Unix
// seconds); Retry-After is not documented. At most 1000 objects per answer.
//
// # What the evidence leaves open
//
// Each point is read so that every plausible answer ends in the right
// number or a clear error:
//
//   - x-ratelimit-reset may look past, far ahead, in milliseconds or as
//     seconds until the reset (a proxy, a server clock off by minutes);
//     proxies may strip the x-ratelimit-* headers or add Retry-After
//     (ratelimit.go, retry_policy.go).
//   - Whether every page carries both has_more and next_page (paging.go).
//   - Whether bytes is always a JSON number, and always present: digit
//     strings are read exactly, a record without bytes is an error
//     (record.go).
//   - The tag-total body, and whether it can be paged.
//   - What a group=hours record looks like (probably per-hour sums without
//     bill_id and session_id): every record field is optional, unknown keys
//     are ignored.
//   - The time zone of filter=time:2025-03 (records are in UTC).
//   - The exact JSON types, sizes and statuses of answers that mean the
//     same thing. Where the meaning of an answer is unambiguous it is read;
//     an error is for what is truly ambiguous (lenient.go).
//   - How late usage records arrive (roaming records commonly reach the
//     home operator hours later): a closed day or month is no proof that its
//     total is final, so nothing is cached as final on the strength of its
//     date.
//
// # Choices made where the evidence is silent
//
//   - offset goes on the first request only; next_page requests send the
//     filters, limit and group again.
//   - To stop exactly at a record limit, the last page asks for only the
//     records still wanted (a smaller limit with the cursor), so the cursor
//     it returns is exactly where reading stopped; a finished read reports
//     no next page.
//   - Pacing counts the requests already in flight against
//     x-ratelimit-remaining: with ten reads at once, waiting only after an
//     answer says 0 would still provoke a burst of 429s.
//   - A 429 wait that honours the announced reset is the API working as
//     designed and does not count as a retry; the retries after 5xx answers
//     and connection errors are the ones Config.MaxRetries bounds. Every
//     wait is capped (Config.MaxWait, Config.MaxRateLimitWaits).
package onomondo
