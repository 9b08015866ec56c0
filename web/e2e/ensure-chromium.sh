#!/usr/bin/env bash
# The end-to-end tests drive Debian's Chromium through playwright-core (Playwright's own
# browser download cannot work here): install it when it is missing.
set -euo pipefail
command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
