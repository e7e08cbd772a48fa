variable "month" {
  description = "Month to check, YYYY-MM (UTC)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{4}-(0[1-9]|1[0-2])$", var.month))
    error_message = "month must be YYYY-MM, such as \"2025-03\"."
  }
}

variable "at" {
  description = "The instant of the check, RFC 3339: plantimestamp() from the root module (a variable, so that tests can fix it)."
  type        = string
}

# Limits are sizes as contracts write them: "500 MB" is 500,000,000 bytes,
# "500 MiB" 524,288,000, and a bare number is bytes (see
# provider::onomondo::parse_bytes).
variable "per_sim_limit" {
  description = "Data one SIM may use in the month; a SIM above it fails the per_sim_limit check."
  type        = string
  default     = "500 MB"
}

variable "per_sim_24h_limit" {
  description = "Data one SIM may use in 24 hours; a SIM above it in the last 24 hours fails the runaway_sims check."
  type        = string
  default     = "100 MB"
}

variable "fleet_warning" {
  description = "Fleet usage in the month above which the fleet_budget check warns (80% of the fleet limit)."
  type        = string
  default     = "480 GB"
}

variable "fleet_limit" {
  description = "Fleet usage in the month above which the plan fails (the hard stop), and which the fleet_pace check projects against."
  type        = string
  default     = "600 GB"
}
