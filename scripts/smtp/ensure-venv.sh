#!/usr/bin/env bash
# Makes target/smtp-venv with the pinned aiosmtpd of requirements.txt (again
# only when that file changes). The email tests run
#   target/smtp-venv/bin/python -m aiosmtpd -n -l 127.0.0.1:PORT -c aiosmtpd.handlers.Mailbox DIR
# as a real SMTP server; they fail, naming this script, when it is missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-python3}
VENV=target/smtp-venv
REQUIREMENTS=scripts/smtp/requirements.txt

if ! cmp -s "$REQUIREMENTS" "$VENV/requirements.stamp"; then
    echo "smtp: installing $(grep '^aiosmtpd==' "$REQUIREMENTS") into $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    cp "$REQUIREMENTS" "$VENV/requirements.stamp"
fi
"$VENV/bin/python" -c 'import aiosmtpd; print("smtp: aiosmtpd", aiosmtpd.__version__, "in target/smtp-venv")'
