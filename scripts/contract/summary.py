"""Summarises a contract run from schemathesis' reports in DIR (report.json,
events.ndjson). Writes DIR/failures.txt, every failed check grouped by kind,
operation, status and the server's error message (with one request of each),
and DIR/summary.txt, which it also prints. Exits 1 on any failure or error.
Standard library only.

Usage: summary.py DIR
"""

import base64
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

out = Path(sys.argv[1])
report = json.loads((out / "report.json").read_text())


def decode(blob):
    if isinstance(blob, dict) and "$base64" in blob:
        return base64.b64decode(blob["$base64"]).decode("utf-8", "replace")
    return "" if blob is None else str(blob)


def server_message(text):
    """The error message of the answer, with fuzzed values cut out so alike answers group together."""
    try:
        text = json.loads(text)["error"]["message"]
    except (ValueError, KeyError, TypeError):
        pass
    text = re.sub(r"`[^`]*`", "`…`", text)
    text = re.sub(r'"[^"]*"', '"…"', text)
    return printable(re.sub(r" at line \d+ column \d+", "", text))[:160]


def printable(text):
    """One line, control characters escaped (JSON string syntax without the quotes)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


# (kind, operation) -> (status, message) -> [count, example]
groups = defaultdict(lambda: defaultdict(lambda: [0, None]))
for line in (out / "events.ndjson").open():
    event = json.loads(line).get("ScenarioFinished")
    if not event:
        continue
    recorder = event["recorder"]
    for case_id, checks in recorder.get("checks", {}).items():
        for check in checks:
            if check["status"] != "failure":
                continue
            failure = check["failure_info"]["failure"]
            case = recorder["cases"][case_id]["value"]
            interaction = recorder.get("interactions", {}).get(case_id) or {}
            request, response = interaction.get("request") or {}, interaction.get("response") or {}
            operation = f"{case['method']} {case['path']}"
            status = response.get("status_code", "no response")
            answer = "accepted" if isinstance(status, int) and status < 300 else server_message(decode(response.get("content")))
            entry = groups[(f"{failure['code']} {failure['title']}", operation)][(status, answer)]
            entry[0] += 1
            if entry[1] is None:
                meta = case.get("meta") or {}
                mode = (meta.get("generation") or {}).get("mode", "?")
                phase = (meta.get("phase") or {}).get("name", event.get("phase", "?"))
                body = decode(request.get("body"))
                entry[1] = (f"[{phase}, {mode}] {request.get('method', case['method'])} {request.get('uri', case['path'])}"
                            + (f"\n        body: {printable(body[:300])}" if body else "")
                            + "\n        " + failure["message"].replace("\n", "\n        "))

lines = []
kinds = defaultdict(int)
for (kind, operation), answers in sorted(groups.items()):
    kinds[kind] += 1
    lines.append(f"== {kind} | {operation}")
    for (status, message), (count, example) in sorted(answers.items(), key=str):
        lines.append(f"  {status} × {count}: {message}\n      e.g. {example}")
(out / "failures.txt").write_text("\n".join(lines) + "\n" if lines else "no failures\n")

ops, tc = report["operations"], report["test_cases"]
failed_ops = {operation for _, operation in groups}
summary = [
    f"schemathesis {report['schemathesis_version']}, {report['running_time']:.0f} s, seed {report['seed']}",
    f"operations: {ops['tested']} tested of {ops['total']} ({ops['skipped']} skipped, {ops['errored']} errored)",
    f"test cases: {tc['generated']} generated, {tc['with_failures']} with failures, {tc['errored']} errored",
    f"failures: {tc['unique_failures']} (schemathesis' unique count); operations failing each kind of check:"
    + "".join(f"\n  {kind}: {n}" for kind, n in sorted(kinds.items())),
    f"errors: {len(report['errors'])}",
    # One line CI logs can be read by: operations without and with failures.
    f"contract: {ops['tested'] - len(failed_ops)} passed, {len(failed_ops)} failed",
]
(out / "summary.txt").write_text("\n".join(summary) + "\n")
print("\n".join(summary))
sys.exit(1 if failed_ops or tc["unique_failures"] or report["errors"] or tc["errored"] else 0)
