"""Schemathesis hooks for the contract test (loaded through schemathesis.toml).

They touch requests only where the fuzzer cannot know what a real client
knows, right before each request is sent (`before_call`, which sees every
phase's requests):

- a session cookie travels with its own CSRF token, as the dashboard sends it;
- logout and the password change use sessions of their own (fixtures.py), so
  they cannot end the session the rest of the run uses;
- every webhook URL the fuzzer sends is pointed back at this server: the
  server delivers webhooks to the URLs it is given, and a test must not send
  traffic anywhere but loopback. A URL the document allows becomes the
  sink's; any other (a case testing a refusal) becomes one the server
  refuses too, so the case still tests what it meant to;
- names that must be unique within their list (form fields, buttons), a
  rule JSON Schema cannot state (the document says it in words), are made
  unique within their limits; so are new label names and saved-reply
  shortcuts within the account (a repeat is a documented 409), and a
  conversation's labels name the account's label (a label must exist).
"""

import json
import os
import re
import urllib.request

import schemathesis

SESSION_COOKIE = "linktor_session"
ENV = os.environ
MAIN = ("CONTRACT_SESSION", "CONTRACT_CSRF")
# Operations with a session of their own: (cookie, CSRF token) variables.
OWN_SESSION = {
    ("POST", "/v1/auth/logout"): ("CONTRACT_LOGOUT_SESSION", "CONTRACT_LOGOUT_CSRF"),
    ("POST", "/v1/auth/password"): ("CONTRACT_PASSWORD_SESSION", "CONTRACT_PASSWORD_CSRF"),
}
KNOWN_COOKIES = {ENV[cookie] for cookie, _ in [MAIN, *OWN_SESSION.values()]}
# The document's own rule for http(s) URLs, read from the server under test.
with urllib.request.urlopen(ENV["CONTRACT_BASE_URL"] + "/v1/openapi.json") as r:
    HTTP_URL = re.compile(json.load(r)["components"]["schemas"]["HttpUrl"]["pattern"])
# Lists whose items' `key` must differ: (path in the body, key).
UNIQUE = [
    (("settings", "behavior", "preChatForm", "fields"), "name"),
    (("settings", "offline", "form", "fields"), "name"),
    (("content", "interactive", "buttons"), "id"),
    (("content", "card", "buttons"), "id"),
]


# `^[a-z0-9_-]{1,N}$`: label names (40) and shortcuts (32).
SLUG = re.compile(r"^[a-z0-9_-]+$")
made = 0


def fresh(value, limit):
    """A valid slug made unique in this run: `value` with a counter, within `limit`."""
    global made
    made += 1
    suffix = f"-{made}"
    return value[: limit - len(suffix)] + suffix


def at(body, path):
    for key in path:
        if not isinstance(body, dict):
            return None
        body = body.get(key)
    return body


def make_unique(items, key):
    """Renames repeats: `name` → `name_2`, within 64 characters of [A-Za-z0-9_-]."""
    seen = set()
    for item in items if isinstance(items, list) else []:
        value = item.get(key) if isinstance(item, dict) else None
        if not isinstance(value, str):
            continue
        base, k = value[:56], 1
        while value in seen:
            value, k = f"{base}_{k}", k + 1
        seen.add(value)
        item[key] = value


@schemathesis.hook
def before_call(context, case, kwargs):
    op = (case.method.upper(), case.path)
    cookies = case.cookies or {}
    # Only a cookie of ours (put there by the auth config): a case testing a missing
    # or a wrong cookie keeps what it has.
    if cookies.get(SESSION_COOKIE) in KNOWN_COOKIES:
        cookie_var, csrf_var = OWN_SESSION.get(op, MAIN)
        cookies[SESSION_COOKIE] = ENV[cookie_var]
        case.cookies = cookies
        headers = case.headers or {}
        headers["X-CSRF-Token"] = ENV[csrf_var]
        case.headers = headers
    body = case.body
    if op == ("POST", "/v1/webhooks") and isinstance(body, dict) and isinstance(body.get("url"), str):
        body["url"] = ENV["CONTRACT_WEBHOOK_SINK"] if HTTP_URL.search(body["url"]) else "javascript:void(0)"
    for path, key in UNIQUE:
        make_unique(at(body, path), key)
    slug = {("POST", "/v1/labels"): ("name", 40), ("POST", "/v1/saved-replies"): ("shortcut", 32),
            ("PUT", "/v1/saved-replies/{saved_reply_id}"): ("shortcut", 32)}.get(op)
    if slug and isinstance(body, dict) and isinstance(body.get(slug[0]), str) and SLUG.match(body[slug[0]]) \
            and len(body[slug[0]]) <= slug[1]:
        body[slug[0]] = fresh(body[slug[0]], slug[1])
    if op == ("PUT", "/v1/conversations/{conversation_id}/labels") and isinstance(body, dict) and isinstance(body.get("labels"), list):
        body["labels"] = [ENV["CONTRACT_LABEL"] if isinstance(l, str) and SLUG.match(l) and len(l) <= 40 else l for l in body["labels"]]
