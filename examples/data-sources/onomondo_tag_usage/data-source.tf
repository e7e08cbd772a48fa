# Total usage of every SIM that carries a tag (by the tag's UUID). The
# endpoint takes no time filter: the total covers whatever period the API
# counts. For a monthly total use onomondo_usage.
data "onomondo_tag_usage" "production" {
  tag_id = "3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f"
}

output "production_tag_total" {
  # total_bytes is null when the answer carries no recognisable total.
  value = data.onomondo_tag_usage.production.total_bytes == null ? "unknown" : provider::onomondo::format_bytes(data.onomondo_tag_usage.production.total_bytes)
}

# The answer as sent, for fields the provider does not map.
output "production_tag_answer" {
  value = jsondecode(data.onomondo_tag_usage.production.response_json)
}
