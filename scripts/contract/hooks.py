"""Schemathesis hooks for the contract test (loaded through schemathesis.toml).

They touch requests only where the fuzzer cannot know what a real client
knows, right before each request is sent (`before_call`, which sees every
phase's requests):

- a session cookie travels with its own CSRF token, as the dashboard sends it;
- logout and the password change use sessions of their own (fixtures.py), so
  they cannot end the session the rest of the run uses;
- every webhook URL the fuzzer sends is pointed back at this server: the
  server delivers webhooks to the URLs it is given, and a test must not send
  traffic anywhere but loopback.
"""

import os

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
    # Any string the server could parse as an http(s) URL has a ':'; the rest stay, to be refused.
    if op == ("POST", "/v1/webhooks") and isinstance(body, dict) and isinstance(body.get("url"), str) and ":" in body["url"]:
        body["url"] = ENV["CONTRACT_WEBHOOK_SINK"]
