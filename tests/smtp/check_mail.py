"""A second opinion on a mail that reports/mailout.c built: Python's own
email parser (not our test's) must read it without complaint and find the
subject, the text and the HTML we meant.

    check_mail.py MAIL SUBJECT_FILE TEXT_FILE HTML_FILE|-

Each expected value is a file of UTF-8; "-" for a mail with no HTML part.
Exits 0 when all match, else 1 with what differed on stderr.
"""

import email.policy
import email.utils
import sys
from email.parser import BytesParser


def read(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8")


def body_text(part):
    # The parts travel with CRLF; the text we handed over had LF.
    return part.get_content().replace("\r\n", "\n")


def main():
    if len(sys.argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    with open(sys.argv[1], "rb") as f:
        msg = BytesParser(policy=email.policy.default).parse(f)
    problems = []

    def same(what, got, want):
        if got != want:
            problems.append("%s: got %r, want %r" % (what, got, want))

    for part in msg.walk():
        if part.defects:
            problems.append("defects in %s: %r" %
                            (part.get_content_type(), part.defects))
    same("subject", str(msg["Subject"]), read(sys.argv[2]))
    if email.utils.parsedate_to_datetime(str(msg["Date"])) is None:
        problems.append("no Date")
    if not str(msg["Message-ID"] or "").startswith("<"):
        problems.append("no Message-ID")
    text = msg.get_body(preferencelist=("plain",))
    if text is None:
        problems.append("no text/plain part")
    else:
        same("text", body_text(text), read(sys.argv[3]))
    if sys.argv[4] == "-":
        same("type", msg.get_content_type(), "text/plain")
    else:
        same("type", msg.get_content_type(), "multipart/alternative")
        html = msg.get_body(preferencelist=("html",))
        if html is None:
            problems.append("no text/html part")
        else:
            same("html", body_text(html), read(sys.argv[4]))
    for p in problems:
        sys.stderr.write("check_mail: %s\n" % p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
