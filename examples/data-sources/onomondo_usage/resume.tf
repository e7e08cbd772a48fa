# max_records bounds one read. When it stops the read early, the totals cover
# only the records read (a warning says so) and pagination.next_page is where
# a second read with the same filters continues: nothing skipped, nothing
# counted twice.
data "onomondo_usage" "march_first_part" {
  time            = "2025-03"
  max_records     = 50000
  include_records = false
}

data "onomondo_usage" "march_rest" {
  count = data.onomondo_usage.march_first_part.pagination.has_more ? 1 : 0

  time            = "2025-03" # the same filters as the first read
  next_page       = data.onomondo_usage.march_first_part.pagination.next_page
  include_records = false
}

output "march_total_bytes" {
  value = sum(concat(
    [data.onomondo_usage.march_first_part.total_bytes],
    data.onomondo_usage.march_rest[*].total_bytes,
  ))
}
