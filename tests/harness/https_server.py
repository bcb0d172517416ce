#!/usr/bin/python3
"""tests/harness/https_server.py: MTA-STS policy servers for tests.

usage: https_server.py DOCROOT CERT KEY READY

Serves HTTPS on 127.0.0.1 with CERT and KEY (PEM) and plain HTTP on
127.0.0.2, on one port the kernel picks, which is written to the file
READY once both listen.  A GET of /.well-known/mta-sts.txt for the Host
NAME answers what the file DOCROOT/NAME says: its first line is the
status, then header lines, a blank line and the body.  A Content-Length
is added unless the file has an "X-No-Length: 1" header (then the body
ends when the connection does).  No such file, or another path: 404.
Runs until killed; one line of log a request, on stderr.
"""
import http.server
import os
import re
import ssl
import sys
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    docroot = "."

    def do_GET(self):
        host = self.headers.get("Host", "").split(":")[0].lower()
        path = os.path.join(self.docroot, host)
        if (self.path != "/.well-known/mta-sts.txt" or
                not re.fullmatch(r"[a-z0-9.-]+", host) or
                not os.path.isfile(path)):
            self.send_error(404)
            return
        with open(path, "rb") as f:
            data = f.read()
        head, _, body = data.partition(b"\n\n")
        lines = head.decode().split("\n")
        self.send_response(int(lines[0]))
        length = True
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "x-no-length":
                length = False
                continue
            self.send_header(name, value.strip())
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.headers.get("Host", "-"),
                                      fmt % args))


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    docroot, cert, key, ready = sys.argv[1:]
    Handler.docroot = docroot
    tls = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
    port = tls.server_address[1]
    plain = http.server.ThreadingHTTPServer(("127.0.0.2", port), Handler)
    threading.Thread(target=plain.serve_forever, daemon=True).start()
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(ready + ".tmp", ready)
    tls.serve_forever()


if __name__ == "__main__":
    main()
