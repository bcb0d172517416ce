"""A small OAuth 2.0 identity provider for tests, run by tests/harness/idp.

    idp_server.py DIR

Python's standard library only. It serves on 127.0.0.1, on a port the
kernel picks, and reads DIR/idp.json (written by the harness):

  user              the mailbox user the tokens are for ("dmarc")
  clients           {client_id: {"secret": S or null, "tenant": T}}
  service_accounts  {email: {"pubkey": PEM path, "subjects": [user...]}}
  scope             the scope a token must ask for

Endpoints (form-encoded POST, JSON answers):

  /token, /t/TENANT/token   the token endpoint, four grants:
      client_credentials   client_id + client_secret (+ the tenant when
                           the path names one: Microsoft's AADSTS errors)
      refresh_token        a refresh token this server issued, not revoked
      device_code          urn:ietf:params:oauth:grant-type:device_code:
                           authorization_pending until /control/approve,
                           slow_down when polled faster than the interval
                           (which then grows by 5 s, RFC 8628 3.5), or on
                           the polls /control/set slow_down_polls names,
                           expired_token after device_ttl, access_denied
                           after /control/deny
      jwt-bearer           urn:ietf:params:oauth:grant-type:jwt-bearer: an
                           RS256 assertion checked with `openssl dgst
                           -verify` against the service account's public
                           key, and its claims (iss, scope, aud = this
                           token endpoint, sub, iat, exp)
  /device, /t/TENANT/device the device authorization endpoint
  /introspect               for Dovecot's passdb oauth2 (introspection_mode
                            = post): {"active": true, "username": USER} for
                            a live access token, {"active": false} else
  /control/set              access_ttl, device_interval, device_ttl,
                            slow_down_polls (comma-separated numbers)
  /control/approve, /control/deny   user_code (or the latest code)
  /control/revoke           every refresh token (and its access tokens)
  /control/expire           every access token (refresh tokens stay)
  /control/events           the events so far, as JSON (never a token)

Access tokens live access_ttl seconds (60 unless set). Once listening it
writes DIR/port and DIR/idp.pid, each through a rename. DIR/idp.log gets a
line per request, without tokens or secrets. SIGTERM stops it.
"""

import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GRANT_DEVICE = "urn:ietf:params:oauth:grant-type:device_code"
GRANT_JWT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(data)
    os.rename(tmp, path)


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class State:
    def __init__(self, d, conf):
        self.dir = d
        self.conf = conf
        self.lock = threading.Lock()
        self.access = {}  # token -> {"user", "expires", "refresh"}
        self.refresh = {}  # token -> {"user", "client", "revoked"}
        self.devices = {}  # device_code -> {...}
        self.settings = {
            "access_ttl": 60,
            "device_interval": 1,
            "device_ttl": 60,
            "slow_down_polls": [],
        }
        self.events = []
        self.port = 0

    def event(self, kind, **kw):
        kw["kind"] = kind
        kw["t"] = time.time()
        self.events.append(kw)
        with open(os.path.join(self.dir, "idp.log"), "a") as f:
            f.write(json.dumps(kw) + "\n")

    def issue(self, user, client, with_refresh, refresh=None):
        at = "at-" + secrets.token_urlsafe(24)
        ttl = int(self.settings["access_ttl"])
        answer = {"access_token": at, "token_type": "Bearer",
                  "expires_in": ttl, "scope": self.conf["scope"]}
        if with_refresh:
            refresh = "rt-" + secrets.token_urlsafe(24)
            self.refresh[refresh] = {"user": user, "client": client,
                                     "revoked": False}
            answer["refresh_token"] = refresh
        self.access[at] = {"user": user, "expires": time.time() + ttl,
                           "refresh": refresh}
        return answer


def error(code, desc, status=400):
    return status, {"error": code, "error_description": desc}


class Handler(BaseHTTPRequestHandler):
    server_version = "idp/1"

    def log_message(self, fmt, *args):  # the events say enough
        pass

    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        st = self.server.state
        n = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(n).decode(),
                                     keep_blank_values=True)
        form = {k: v[0] for k, v in form.items()}
        path = urllib.parse.urlsplit(self.path).path
        tenant = None
        parts = path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "t":
            tenant = parts[1]
            path = "/" + parts[2]
        with st.lock:
            if path == "/token":
                status, obj = self.token(st, form, tenant)
            elif path == "/device":
                status, obj = self.device(st, form, tenant)
            elif path == "/introspect":
                status, obj = self.introspect(st, form)
            elif path.startswith("/control/"):
                status, obj = self.control(st, path[9:], form)
            else:
                status, obj = 404, {"error": "not_found"}
        self.reply(status, obj)

    # The token endpoint ---------------------------------------------------

    def client_ok(self, st, form, tenant, need_secret):
        cid = form.get("client_id", "")
        c = st.conf["clients"].get(cid)
        if tenant is not None and tenant not in st.conf["tenants"]:
            return error("invalid_request",
                         "AADSTS90002: Tenant '%s' not found. Check to "
                         "make sure you have the correct tenant ID. "
                         "Trace ID: 0000" % tenant)
        if c is None or (tenant is not None and c.get("tenant") != tenant):
            return error("unauthorized_client",
                         "AADSTS700016: Application with identifier "
                         "'%s' was not found in the directory." % cid)
        if c.get("secret") is not None or need_secret:
            if form.get("client_secret") != c.get("secret"):
                return error("invalid_client",
                             "AADSTS7000215: Invalid client secret "
                             "provided.", 401)
        return None

    def token(self, st, form, tenant):
        g = form.get("grant_type", "")
        if g == "client_credentials":
            bad = self.client_ok(st, form, tenant, True)
            if bad:
                st.event("token", grant=g, result=bad[1]["error"])
                return bad
            if form.get("scope") != st.conf["app_scope"]:
                st.event("token", grant=g, result="invalid_scope")
                return error("invalid_scope", "AADSTS1002012: The "
                             "provided value for scope is not valid.")
            cid = form["client_id"]
            st.event("token", grant=g, result="ok")
            return 200, st.issue(st.conf["clients"][cid]["mailbox"], cid,
                                 False)
        if g == "refresh_token":
            bad = self.client_ok(st, form, tenant, False)
            if bad:
                st.event("token", grant=g, result=bad[1]["error"])
                return bad
            r = st.refresh.get(form.get("refresh_token", ""))
            if r is None or r["revoked"] or \
                    r["client"] != form.get("client_id"):
                st.event("token", grant=g, result="invalid_grant")
                return error("invalid_grant",
                             "Token has been expired or revoked.")
            # Rotated, as Microsoft does: the old one is spent.
            r["revoked"] = True
            st.event("token", grant=g, result="ok")
            return 200, st.issue(r["user"], r["client"], True)
        if g == GRANT_DEVICE:
            return self.device_poll(st, form, tenant)
        if g == GRANT_JWT:
            return self.jwt(st, form)
        st.event("token", grant=g, result="unsupported_grant_type")
        return error("unsupported_grant_type", "unknown grant")

    def device_poll(self, st, form, tenant):
        bad = self.client_ok(st, form, tenant, False)
        if bad:
            st.event("poll", result=bad[1]["error"])
            return bad
        d = st.devices.get(form.get("device_code", ""))
        now = time.time()
        if d is None:
            st.event("poll", result="invalid_grant")
            return error("invalid_grant", "unknown device code")
        d["polls"] += 1
        since = now - d["last"] if d["last"] else None
        d["last"] = now
        if now > d["expires"]:
            st.event("poll", result="expired_token", n=d["polls"])
            return error("expired_token", "the code expired")
        if d["state"] == "denied":
            st.event("poll", result="access_denied", n=d["polls"])
            return error("access_denied", "the user declined")
        if since is not None and since + 0.2 < d["interval"]:
            d["interval"] += 5
            st.event("poll", result="slow_down", n=d["polls"],
                     too_fast=True)
            return error("slow_down", "polled too fast")
        if d["polls"] in st.settings["slow_down_polls"]:
            d["interval"] += 5
            st.event("poll", result="slow_down", n=d["polls"])
            return error("slow_down", "slow down")
        if d["state"] == "pending":
            st.event("poll", result="authorization_pending", n=d["polls"])
            return error("authorization_pending", "waiting for the user")
        del st.devices[form["device_code"]]
        st.event("poll", result="ok", n=d["polls"])
        return 200, st.issue(st.conf["user"], form.get("client_id"), True)

    def jwt(self, st, form):
        a = form.get("assertion", "")
        try:
            h64, c64, s64 = a.split(".")
            header = json.loads(b64url_decode(h64))
            claims = json.loads(b64url_decode(c64))
            sig = b64url_decode(s64)
        except (ValueError, TypeError):
            st.event("token", grant="jwt", result="malformed")
            return error("invalid_grant", "malformed assertion")
        sa = st.conf["service_accounts"].get(claims.get("iss"))
        if header.get("alg") != "RS256" or sa is None:
            st.event("token", grant="jwt", result="unknown_issuer")
            return error("invalid_grant", "Invalid JWT Signature.")
        sigfile = os.path.join(st.dir, "jwt.sig")
        msgfile = os.path.join(st.dir, "jwt.msg")
        with open(sigfile, "wb") as f:
            f.write(sig)
        with open(msgfile, "wb") as f:
            f.write((h64 + "." + c64).encode())
        ok = subprocess.run(
            ["openssl", "dgst", "-sha256", "-verify", sa["pubkey"],
             "-signature", sigfile, msgfile],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ).returncode == 0
        if not ok:
            st.event("token", grant="jwt", result="bad_signature")
            return error("invalid_grant", "Invalid JWT Signature.")
        now = time.time()
        aud = "http://127.0.0.1:%d/token" % st.port
        why = None
        if claims.get("aud") != aud:
            why = "aud"
        elif not isinstance(claims.get("iat"), int) or \
                not isinstance(claims.get("exp"), int) or \
                claims["iat"] > now + 60 or claims["exp"] < now or \
                claims["exp"] - claims["iat"] > 3600:
            why = "time"
        elif st.conf["scope"] not in str(claims.get("scope", "")).split():
            st.event("token", grant="jwt", result="scope")
            return error("unauthorized_client", "Client is unauthorized "
                         "to retrieve access tokens using this method, "
                         "or client not authorized for any of the scopes "
                         "requested.")
        elif claims.get("sub") not in sa["subjects"]:
            why = "sub"
        if why:
            st.event("token", grant="jwt", result=why)
            return error("invalid_grant", "Invalid grant: " + why)
        st.event("token", grant="jwt", result="ok", sub=claims["sub"])
        return 200, st.issue(claims["sub"], claims["iss"], False)

    # The device endpoint and introspection ---------------------------------

    def device(self, st, form, tenant):
        bad = self.client_ok(st, form, tenant, False)
        if bad:
            st.event("device", result=bad[1]["error"])
            return bad
        code = "%04d-%04d" % (secrets.randbelow(10000),
                              secrets.randbelow(10000))
        dc = "dc-" + secrets.token_urlsafe(24)
        ttl = int(st.settings["device_ttl"])
        st.devices[dc] = {"user_code": code, "state": "pending",
                          "interval": int(st.settings["device_interval"]),
                          "expires": time.time() + ttl, "polls": 0,
                          "last": 0, "created": time.time()}
        st.event("device", result="ok", user_code=code)
        return 200, {"device_code": dc, "user_code": code,
                     "verification_uri": "http://127.0.0.1:%d/verify"
                     % st.port,
                     "expires_in": ttl,
                     "interval": int(st.settings["device_interval"])}

    def introspect(self, st, form):
        a = st.access.get(form.get("token", ""))
        live = a is not None and a["expires"] > time.time() and \
            (a["refresh"] is None or
             not st.refresh.get(a["refresh"], {}).get("gone"))
        st.event("introspect", active=live)
        if not live:
            return 200, {"active": False}
        return 200, {"active": True, "username": a["user"]}

    # Control, for the tests -------------------------------------------------

    def control(self, st, what, form):
        if what == "set":
            for k, v in form.items():
                if k == "slow_down_polls":
                    st.settings[k] = [int(x) for x in v.split(",") if x]
                elif k in st.settings:
                    st.settings[k] = int(v)
            return 200, st.settings
        if what in ("approve", "deny"):
            code = form.get("user_code")
            for d in st.devices.values():
                if code is None or d["user_code"] == code:
                    d["state"] = "approved" if what == "approve" \
                        else "denied"
                    return 200, {"ok": True}
            return 404, {"error": "no such code"}
        if what == "revoke":
            for r in st.refresh.values():
                r["revoked"] = True
                r["gone"] = True
            st.event("revoke")
            return 200, {"ok": True}
        if what == "expire":
            for a in st.access.values():
                a["expires"] = 0
            st.event("expire")
            return 200, {"ok": True}
        if what == "events":
            return 200, {"events": st.events}
        return 404, {"error": "no such control"}


def main():
    d = sys.argv[1]
    with open(os.path.join(d, "idp.json")) as f:
        conf = json.load(f)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.state = State(d, conf)
    srv.state.port = srv.server_address[1]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    write_atomic(os.path.join(d, "port"), "%d\n" % srv.state.port)
    write_atomic(os.path.join(d, "idp.pid"), "%d\n" % os.getpid())
    try:
        srv.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
