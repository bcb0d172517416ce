"""A throwaway SMTP server for tests, run by tests/harness/smtp.

    smtp_server.py DIR

Serves three listeners on 127.0.0.1, each on a port the kernel picks (so
no other process can take it between the pick and the bind):

  plain     no TLS, no AUTH: takes mail from anyone
  starttls  STARTTLS required before anything else, AUTH required, and
            AUTH is not even offered before TLS
  smtps     TLS from the first byte (implicit TLS), AUTH required

AUTH takes PLAIN and LOGIN for one user, DIR/user, with the password in
DIR/password. The certificate is DIR/tls/server.crt (key server.key).

Once listening it writes DIR/ports ("NAME PORT" lines) and DIR/smtp.pid,
each through a rename, so a reader never sees half a file. Each accepted
message N (from 1, in order of arrival over all listeners) becomes two
files in DIR/mail:

  N.env  what the SMTP dialogue said, one "key value" a line: listener,
         tls (yes/no), auth (the login or -), helo, from, then one "to"
         line per recipient
  N.eml  the data exactly as received, CRLF line ends, dot-stuffing undone

N is zero-padded to six digits. N.env is in place before N.eml, and both
before the server answers 250 to the data, so a client that got its 250
can read them at once.

A recipient whose local part starts with "reject" is refused with 550, to
test refusals. SIGTERM or SIGINT stops the server.
"""

import asyncio
import logging
import os
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

HOSTNAME = "smtp.test"


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


class Saver:
    """Keeps each accepted message in DIR/mail."""

    def __init__(self, maildir):
        self.maildir = maildir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.split("@", 1)[0].lower().startswith("reject"):
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.maildir, "%06d" % self.count)
        tls = server.transport.get_extra_info("ssl_object") is not None
        login = "-"
        if session.authenticated:
            login = session.auth_data or "?"
        lines = [
            "listener %s" % server.listener_name,
            "tls %s" % ("yes" if tls else "no"),
            "auth %s" % login,
            "helo %s" % session.host_name,
            "from %s" % envelope.mail_from,
        ]
        lines += ["to %s" % r for r in envelope.rcpt_tos]
        write_atomic(base + ".env", ("\n".join(lines) + "\n").encode())
        write_atomic(base + ".eml", envelope.original_content)
        return "250 2.0.0 Ok: queued as %06d" % self.count


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        if auth_data.login == self.user and auth_data.password == self.password:
            return AuthResult(success=True, auth_data=self.user.decode())
        # handled=False: aiosmtpd answers 535 itself (True would mean we
        # had answered, and the client would wait for ever).
        return AuthResult(success=False, handled=False)


def first_line(path):
    with open(path, encoding="utf-8") as f:
        return f.readline().rstrip("\r\n")


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: smtp_server.py DIR\n")
        return 2
    d = sys.argv[1]
    # INFO: connections and commands' outcomes; DEBUG would log the
    # dialogue, AUTH lines included.
    logging.basicConfig(
        filename=os.path.join(d, "smtp.log"),
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    # AUTH without auth_require_tls on the smtps listener is fine: the
    # whole connection is TLS, which aiosmtpd does not know.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not")

    maildir = os.path.join(d, "mail")
    os.makedirs(maildir, exist_ok=True)
    saver = Saver(maildir)
    auth = Authenticator(first_line(os.path.join(d, "user")),
                         first_line(os.path.join(d, "password")))
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(os.path.join(d, "tls", "server.crt"),
                        os.path.join(d, "tls", "server.key"))

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory(name, **kw):
        def make():
            s = SMTP(saver, hostname=HOSTNAME, loop=loop, authenticator=auth,
                     timeout=60, **kw)
            s.listener_name = name
            return s
        return make

    listeners = [
        ("plain", factory("plain", auth_require_tls=True), None),
        ("starttls", factory("starttls", tls_context=ctx,
                             require_starttls=True, auth_required=True,
                             auth_require_tls=True), None),
        ("smtps", factory("smtps", auth_required=True,
                          auth_require_tls=False), ctx),
    ]
    servers, ports = [], []
    for name, make, sslctx in listeners:
        srv = loop.run_until_complete(
            loop.create_server(make, host="127.0.0.1", port=0, ssl=sslctx))
        servers.append(srv)
        ports.append("%s %d" % (name, srv.sockets[0].getsockname()[1]))

    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(1))
    write_atomic(os.path.join(d, "ports"), ("\n".join(ports) + "\n").encode())
    write_atomic(os.path.join(d, "smtp.pid"), b"%d\n" % os.getpid())
    logging.info("listening: %s", ", ".join(ports))
    loop.run_until_complete(stop)
    for srv in servers:
        srv.close()
    logging.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
