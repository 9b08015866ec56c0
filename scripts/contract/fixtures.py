"""Fixtures for the contract test: real objects, made through the real interfaces
(the `linktor` CLI and the REST API), whose ids and credentials schemathesis
puts into every operation (see schemathesis.toml and hooks.py).

Usage: fixtures.py BASE_URL LINKTOR_BIN > env-file   (LINKTOR_DATA_DIR set)
Prints `export CONTRACT_…=…` lines for run.sh to source. Standard library only.
"""

import json
import secrets
import shlex
import struct
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
import zlib

BASE, BIN = sys.argv[1], sys.argv[2]
ENV = {}


def out(name, value):
    ENV[name] = value


def cli(*args):
    """One admin command against the same data dir as the running server."""
    return json.loads(subprocess.run([BIN, *args], check=True, capture_output=True, text=True).stdout)


def call(method, path, body=None, *, key=None, origin=False, raw=None, content_type=None):
    """One REST request; returns (status, parsed JSON or None, response headers)."""
    headers = {}
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    if raw is not None:
        data, headers["Content-Type"] = raw, content_type
    if key:
        headers["Authorization"] = f"Bearer {key}"
    if origin:
        headers["Origin"] = BASE  # the server's own origin is allowed for every channel
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req) as resp:
            status, text, rh = resp.status, resp.read(), resp.headers
    except urllib.error.HTTPError as e:
        status, text, rh = e.code, e.read(), e.headers
    if status >= 300:
        sys.exit(f"fixture {method} {path}: {status} {text[:300]!r}")
    return status, (json.loads(text) if text else None), rh


def login(email, password):
    _, info, headers = call("POST", "/v1/auth/login", {"email": email, "password": password})
    cookie = headers["Set-Cookie"].split(";", 1)[0].split("=", 1)[1]
    return {"cookie": cookie, "csrf": info["csrfToken"]}


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# Credentials: an API key and an admin made with the CLI, as an operator would.
out("CONTRACT_API_KEY", cli("api-key", "create", "--name", "contract")["key"])
out("CONTRACT_SPARE_KEY_ID", cli("api-key", "create", "--name", "contract-spare")["id"])
admin_email, admin_password = f"{unique('contract-admin')}@example.com", secrets.token_urlsafe(18)
cli("admin", "create", "--email", admin_email, "--password", admin_password, "--name", "Contract Admin")
out("CONTRACT_ADMIN_EMAIL", admin_email)
out("CONTRACT_ADMIN_PASSWORD", admin_password)
KEY = ENV["CONTRACT_API_KEY"]

# The session the run uses, and one for logout alone (it ends the session it is sent with).
main = login(admin_email, admin_password)
out("CONTRACT_SESSION", main["cookie"])
out("CONTRACT_CSRF", main["csrf"])
logout = login(admin_email, admin_password)
out("CONTRACT_LOGOUT_SESSION", logout["cookie"])
out("CONTRACT_LOGOUT_CSRF", logout["csrf"])

# An agent of its own for the password change (it signs the agent's other sessions out),
# and one to delete.
pw_email, pw_password = f"{unique('contract-pw')}@example.com", secrets.token_urlsafe(18)
call("POST", "/v1/agents", {"email": pw_email, "name": "Password Agent", "role": "agent", "password": pw_password}, key=KEY)
pw = login(pw_email, pw_password)
out("CONTRACT_PASSWORD_SESSION", pw["cookie"])
out("CONTRACT_PASSWORD_CSRF", pw["csrf"])
out("CONTRACT_PASSWORD", pw_password)
spare_agent = call("POST", "/v1/agents", {"email": f"{unique('contract-spare')}@example.com", "name": "Spare Agent",
                                          "role": "agent", "password": secrets.token_urlsafe(18)}, key=KEY)[1]
out("CONTRACT_SPARE_AGENT_ID", spare_agent["id"])

# Channels: one to use, one to delete.
channel = call("POST", "/v1/channels", {"name": "Contract", "allowedDomains": ["example.com"]}, key=KEY)[1]
out("CONTRACT_CHANNEL_ID", channel["id"])
out("CONTRACT_SPARE_CHANNEL_ID", call("POST", "/v1/channels", {"name": "Spare", "allowedDomains": ["example.com"]}, key=KEY)[1]["id"])

# Webhooks point back at this server (loopback only): one to keep, one to delete.
sink = BASE + "/contract-webhook-sink"
webhook = call("POST", "/v1/webhooks", {"url": sink}, key=KEY)[1]
out("CONTRACT_WEBHOOK_ID", webhook["id"])
out("CONTRACT_SPARE_WEBHOOK_ID", call("POST", "/v1/webhooks", {"url": sink}, key=KEY)[1]["id"])
out("CONTRACT_WEBHOOK_SINK", sink)

# A visitor (as the widget makes one), a conversation with a message, and so a webhook delivery.
visitor = call("POST", "/v1/widget/sessions", {"channelId": channel["id"], "page": "/contract"}, origin=True)[1]
out("CONTRACT_VISITOR_ID", visitor["visitorId"])
out("CONTRACT_VISITOR_TOKEN", visitor["token"])
message = call("POST", "/v1/messages", {"channelId": channel["id"], "to": visitor["visitorId"],
                                        "content": {"type": "text", "text": "Hello from the contract test"}}, key=KEY)[1]
out("CONTRACT_CONVERSATION_ID", message["conversationId"])
deliveries = call("GET", f"/v1/webhooks/{webhook['id']}/deliveries", key=KEY)[1]
if not deliveries:
    sys.exit("fixture: the message made no webhook delivery")
out("CONTRACT_DELIVERY_ID", deliveries[0]["id"])

# Labels and saved replies: one of each to use, one of each to delete.
out("CONTRACT_LABEL", call("POST", "/v1/labels", {"name": "contract"}, key=KEY)[1]["name"])
out("CONTRACT_SPARE_LABEL", call("POST", "/v1/labels", {"name": "contract-spare"}, key=KEY)[1]["name"])
out("CONTRACT_SAVED_REPLY_ID", call("POST", "/v1/saved-replies", {"shortcut": "contract", "text": "Hi {{visitor.name}}"}, key=KEY)[1]["id"])
out("CONTRACT_SPARE_SAVED_REPLY_ID", call("POST", "/v1/saved-replies", {"shortcut": "contract-spare", "text": "Bye"}, key=KEY)[1]["id"])

# An uploaded file (a 1×1 PNG), as the dashboard uploads one.
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(b"\x00" * 5)) + chunk(b"IEND", b""))
boundary = uuid.uuid4().hex
form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dot.png\"\r\n"
        f"Content-Type: image/png\r\n\r\n").encode() + png + f"\r\n--{boundary}--\r\n".encode()
upload = call("POST", f"/v1/uploads?channelId={channel['id']}", raw=form,
              content_type=f"multipart/form-data; boundary={boundary}", key=KEY)[1]
out("CONTRACT_FILE_ID", upload["id"])

for name, value in ENV.items():
    print(f"export {name}={shlex.quote(value)}")
