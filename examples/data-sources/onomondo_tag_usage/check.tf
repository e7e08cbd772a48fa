# The tag-total answer is undocumented, so total_bytes can be null: treat
# null as "unknown", never as zero. Two assertions keep the two cases apart.
check "production_tag_budget" {
  assert {
    condition     = data.onomondo_tag_usage.production.total_bytes != null
    error_message = "The tag-total answer carried no recognisable total: ${data.onomondo_tag_usage.production.response_json}"
  }

  # coalesce(..., 0): a null total passes here (the assertion above reports
  # it), and format_bytes never sees null, which would be an error.
  assert {
    condition     = coalesce(data.onomondo_tag_usage.production.total_bytes, 0) <= provider::onomondo::parse_bytes("20 GiB")
    error_message = "The SIMs tagged production used ${provider::onomondo::format_bytes(coalesce(data.onomondo_tag_usage.production.total_bytes, 0))}, more than 20 GiB."
  }
}
