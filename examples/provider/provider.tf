terraform {
  required_providers {
    onomondo = {
      source = "onomondo/onomondo"
    }
  }
}

# Leave the variable unset (null) and export ONOMONDO_API_KEY instead: then
# the key is in no file, not even a saved plan. Never commit a key.
variable "onomondo_api_key" {
  description = "Onomondo API key (onok_...), the raw key without \"Bearer \". Null: use ONOMONDO_API_KEY."
  type        = string
  sensitive   = true
  default     = null
}

provider "onomondo" {
  api_key = var.onomondo_api_key

  # base_url defaults to ONOMONDO_BASE_URL, else https://api.onomondo.com.
  # Plain http:// is accepted only for a loopback host, such as a local fake API:
  # base_url = "http://127.0.0.1:8080"

  # Retries after connection errors, timeouts and 5xx answers (not 501).
  # Waiting out a 429 until the rate-limit reset does not count against it.
  max_retries = 4

  # Time allowed for one HTTP attempt, the whole answer included.
  request_timeout = "60s"
}
