package fakeapi

// GET /usage/tag-total/{tag_id}
//
// No public source shows this endpoint's answer; the fake answers
// {"tag_id":"…","bytes":N,"sim_count":k}, N being Fleet.TagTotal(tag_id):
// the sum of bytes of every record of every SIM carrying the tag. (The
// other shapes a client must read, or refuse, are in the client's tests:
// internal/onomondo.)

// tagTotalJSON is the answer of GET /usage/tag-total/{tag_id}.
type tagTotalJSON struct {
	TagID    string `json:"tag_id"`
	Bytes    int64  `json:"bytes"`
	SIMCount int    `json:"sim_count"`
}

// tagTotal answers GET /usage/tag-total/{tagID}.
func (s *Server) tagTotal(tagID string) (any, *apiError) {
	if _, ok := s.fleet.TagByID(tagID); !ok {
		return nil, errTagNotFound
	}
	if s.keyTags != nil && !s.keyTags[tagID] {
		return nil, errForbidden
	}
	return tagTotalJSON{TagID: tagID, Bytes: s.fleet.TagTotal(tagID), SIMCount: s.fleet.TagSIMCount(tagID)}, nil
}
