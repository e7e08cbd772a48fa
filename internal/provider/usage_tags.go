package provider

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onomondo/terraform-provider-onomondo/internal/onomondo"
)

// tag_names and tag_ids on onomondo_usage: the usage of the SIMs carrying
// any of the tags. The API has no tag filter on its usage endpoints, so
// the provider reads GET /sims (one request per 1000 SIMs, through the same
// client and rate limiter), and then each period either as one fleet read
// kept to these SIMs or as one read per SIM, whichever costs fewer
// requests (see scopedRead.readTagged).

// tagSetAttribute is tag_names or tag_ids of onomondo_usage: a set of at
// least one tag, each checked by each, that cannot be combined with sim_id.
func tagSetAttribute(doc string, each validator.String) schema.SetAttribute {
	return schema.SetAttribute{
		MarkdownDescription: doc,
		Optional:            true,
		ElementType:         types.StringType,
		Validators: []validator.Set{
			setvalidator.SizeAtLeast(1),
			setvalidator.ValueStringsAre(each),
			setvalidator.ConflictsWith(path.MatchRoot("sim_id")),
		},
	}
}

// tagSIMs are the SIMs carrying any of the tags asked for.
type tagSIMs struct {
	sims  []onomondo.SIM // sorted by id
	byKey map[string]int // SIM id and ICCID -> index in sims
	// names[i] are the keys of bytes_by_tag_name that SIM i counts in: the
	// asked tags it carries, each once.
	names [][]string
	keys  []string // every key of bytes_by_tag_name: each tag asked for
}

// has reports whether r is the record of one of the SIMs.
func (t *tagSIMs) has(r *onomondo.Record) bool {
	if _, ok := t.byKey[r.SimID]; ok && r.SimID != "" {
		return true
	}
	_, ok := t.byKey[r.ICCID]
	return ok && r.ICCID != ""
}

// bytesByName is bytes_by_tag_name from a read's bytes per SIM (keyed by
// SIM id, or ICCID for records without one): a SIM counts in every tag
// asked for that it carries; every tag asked for has an entry.
func (t *tagSIMs) bytesByName(bySim map[string]int64) types.Map {
	sums := make(map[string]int64, len(t.keys))
	for _, k := range t.keys {
		sums[k] = 0
	}
	for key, b := range bySim {
		if i, ok := t.byKey[key]; ok {
			for _, name := range t.names[i] {
				sums[name] += b
			}
		}
	}
	return int64Map(sums)
}

// selectTagSIMs reads every SIM and keeps those carrying any of the tags
// asked for, by exact name or by id (in any case). A tag that no SIM
// carries is an error on its attribute, naming the nearest tags that do:
// an alarm must never read a typo as zero. bytes_by_tag_name is keyed by
// tag name; a tag asked for by id is keyed by its name (its id when it has
// none).
func selectTagSIMs(ctx context.Context, client *onomondo.Client, names, ids []string) (*tagSIMs, diag.Diagnostics) {
	var diags diag.Diagnostics
	list, err := client.ListSIMs(ctx, onomondo.SIMQuery{})
	if err != nil {
		addClientError(&diags, err)
		return nil, diags
	}
	unreadTimesWarning(&diags, list.UnreadTimes)
	t, missing := matchTags(list.SIMs, names, ids)
	for _, m := range missing {
		diags.AddAttributeError(m.attr, "No SIM carries the tag "+strconv.Quote(m.tag), m.detail)
	}
	if diags.HasError() {
		return nil, diags
	}
	return t, diags
}

// missingTag is a tag asked for that no SIM carries.
type missingTag struct {
	attr        path.Path
	tag, detail string
}

// matchTags finds the SIMs of the tags asked for in sims, and the tags
// asked for that no SIM carries.
func matchTags(sims []onomondo.SIM, names, ids []string) (*tagSIMs, []missingTag) {
	wantName := map[string]bool{}
	for _, n := range names {
		wantName[n] = false
	}
	wantID := map[string]bool{}
	for _, id := range ids {
		wantID[strings.ToLower(id)] = false
	}
	type tagged struct {
		sim   onomondo.SIM
		names []string
	}
	var kept []tagged
	keys := map[string]bool{}
	existing := map[string]string{} // tag id (lower case) -> name, of every tag some SIM carries
	for _, s := range sims {
		var counts []string
		for _, tag := range s.Tags {
			id := strings.ToLower(tag.ID)
			existing[id] = tag.Name
			key := ""
			if _, ok := wantName[tag.Name]; ok {
				wantName[tag.Name], key = true, tag.Name
			}
			if _, ok := wantID[id]; ok {
				wantID[id], key = true, cmp.Or(tag.Name, tag.ID)
			}
			if key != "" && !slices.Contains(counts, key) {
				counts = append(counts, key)
				keys[key] = true
			}
		}
		if len(counts) > 0 {
			kept = append(kept, tagged{s, counts})
		}
	}
	slices.SortStableFunc(kept, func(a, b tagged) int { return compareIDs(a.sim.ID, b.sim.ID) })
	t := &tagSIMs{byKey: map[string]int{}, keys: slices.Sorted(maps.Keys(keys))}
	for i, k := range kept {
		t.sims, t.names = append(t.sims, k.sim), append(t.names, k.names)
		for _, key := range []string{k.sim.ID, k.sim.ICCID} {
			if key != "" {
				t.byKey[key] = i
			}
		}
	}
	return t, missingTags(names, ids, wantName, wantID, existing)
}

// missingTags words an error for each tag asked for that no SIM carries,
// with the nearest tags that some SIM does carry.
func missingTags(names, ids []string, foundName, foundID map[string]bool, existing map[string]string) []missingTag {
	var allNames, allIDs, described []string
	for id, name := range existing {
		if name != "" && !slices.Contains(allNames, name) {
			allNames = append(allNames, name)
		}
		allIDs = append(allIDs, id)
	}
	slices.Sort(allNames)
	slices.Sort(allIDs)
	describe := func(id string) string { return id + " (" + cmp.Or(existing[id], "no name") + ")" }
	for _, id := range allIDs {
		described = append(described, describe(id))
	}
	const scope = " A tag outside the API key's tag scope matches nothing either."
	var out []missingTag
	for _, n := range names {
		if foundName[n] {
			continue
		}
		detail := "No SIM carries a tag named " + strconv.Quote(n) + " (tag names are matched exactly, case included), so " +
			"its usage would read as 0 bytes."
		if near := nearest(n, allNames); len(near) > 0 {
			detail += " Did you mean " + quoteList(near, " or ") + "?"
		}
		out = append(out, missingTag{path.Root("tag_names"), n, detail + " Tags the SIMs carry: " + listSome(allNames) + "." + scope})
	}
	for _, id := range ids {
		if foundID[strings.ToLower(id)] {
			continue
		}
		detail := "No SIM carries a tag with id " + strconv.Quote(id) + ", so its usage would read as 0 bytes."
		if near := nearest(strings.ToLower(id), allIDs); len(near) > 0 {
			for i, e := range near {
				near[i] = describe(e)
			}
			detail += " Did you mean " + strings.Join(near, " or ") + "?"
		}
		out = append(out, missingTag{path.Root("tag_ids"), id, detail + " Tags the SIMs carry: " + listSome(described) + "." + scope})
	}
	return out
}

// nearest returns the candidates closest to s: those equal to it but for
// case, if any; else the (at most three) nearest by edit distance, case
// ignored, within a third of the length of s (at least 2 edits).
func nearest(s string, candidates []string) []string {
	var same []string
	for _, c := range candidates {
		if strings.EqualFold(c, s) {
			same = append(same, c)
		}
	}
	if len(same) > 0 {
		return same
	}
	type scored struct {
		name string
		d    int
	}
	var near []scored
	limit := max(2, len(s)/3)
	for _, c := range candidates {
		if d := levenshtein.ComputeDistance(strings.ToLower(s), strings.ToLower(c)); d <= limit {
			near = append(near, scored{c, d})
		}
	}
	slices.SortStableFunc(near, func(a, b scored) int { return a.d - b.d })
	out := make([]string, 0, 3)
	for i := 0; i < len(near) && i < 3; i++ {
		out = append(out, near[i].name)
	}
	return out
}

// listSome lists up to ten items, and how many more there are.
func listSome(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	if len(items) <= 10 {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:10], ", "), len(items)-10)
}

func quoteList(items []string, sep string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, sep)
}
