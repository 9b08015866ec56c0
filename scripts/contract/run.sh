#!/usr/bin/env bash
# Contract test: schemathesis checks the live server against the OpenAPI
# document it serves (/v1/openapi.json), with real credentials and fixtures
# so every operation is reached. Fails on any failed check.
#
#   scripts/contract/run.sh        # LINKTOR_BIN=target/debug/linktor by default
#
# Writes target/contract/: schemathesis.txt (its output), junit.xml,
# report.json, events.ndjson (every request), server.log, and from them
# summary.txt and failures.txt (summary.py).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
BIN=${LINKTOR_BIN:-target/debug/linktor}
PYTHON=${PYTHON:-python3}
VENV=target/contract-venv
OUT=target/contract
REQUIREMENTS=scripts/contract/requirements.txt

[[ -x $BIN ]] || { echo "contract: no server binary at $BIN (cargo build -p linktor, or set LINKTOR_BIN)" >&2; exit 1; }

# Pinned schemathesis in its own venv, made again only when requirements.txt changes.
if ! cmp -s "$REQUIREMENTS" "$VENV/requirements.stamp"; then
    echo "contract: installing $(grep '^schemathesis==' "$REQUIREMENTS") into $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    cp "$REQUIREMENTS" "$VENV/requirements.stamp"
fi
PY=$VENV/bin/python

rm -rf "$OUT"
mkdir -p "$OUT"
WORK=$(mktemp -d)
SERVER_PID=
stop() {
    if [[ -n $SERVER_PID ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap stop EXIT

# A fresh server on SQLite in a temp dir, on a port free right now. Settings
# from the caller's environment (a database URL, NATS) must not leak in.
unset LINKTOR_CONFIG LINKTOR_DATABASE_URL LINKTOR_NATS_URL LINKTOR_PUBLIC_URL LINKTOR_TRUST_PROXY
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
export LINKTOR_DATA_DIR=$WORK/data LINKTOR_LISTEN=127.0.0.1:$PORT
# Webhooks of the run point at this server, which answers 404: one attempt each, no retries.
export LINKTOR_WEBHOOK_MAX_ATTEMPTS=1
"$BIN" serve >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
"$PY" - "$BASE/readyz" <<'EOF' || { echo "contract: the server did not get ready; $OUT/server.log:" >&2; tail -20 "$OUT/server.log" >&2; exit 1; }
import sys, time, urllib.request
for _ in range(300):  # up to 30 s
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1)
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF

# Credentials and ids, as CONTRACT_… variables for schemathesis.toml and hooks.py.
"$PY" scripts/contract/fixtures.py "$BASE" "$BIN" >"$WORK/fixtures.env"
# shellcheck disable=SC1091
source "$WORK/fixtures.env"
export CONTRACT_BASE_URL=$BASE

echo "contract: schemathesis against $BASE/v1/openapi.json"
# Run from the temp dir: Hypothesis keeps files in ./.hypothesis.
export CONTRACT_DIR=$ROOT/scripts/contract
status=0
(cd "$WORK" && "$ROOT/$VENV/bin/schemathesis" --config-file "$CONTRACT_DIR/schemathesis.toml" \
    run "$BASE/v1/openapi.json" --workers 1 --no-color \
    --report junit,json,ndjson --report-junit-path "$ROOT/$OUT/junit.xml" \
    --report-json-path "$ROOT/$OUT/report.json" --report-ndjson-path "$ROOT/$OUT/events.ndjson") \
    2>&1 | tee "$OUT/schemathesis.txt" || status=$?

"$PY" scripts/contract/summary.py "$OUT" || status=1
exit "$status"
