# shellcheck shell=sh
# tests/imap/mail.sh: report mail for the tests of this folder, sourced
# after tests/lib.sh.

# mkmail ZIP ID: a mail holding the report archive ZIP, with a Message-ID
# of its own made from ID (<ID.PID@reporter.example>).
mkmail() {
	printf 'From: noreply-dmarc@reporter.example\r\n'
	printf 'To: dmarc@example.com\r\nSubject: Report %s\r\n' "$2"
	printf 'Message-ID: <%s.%s@reporter.example>\r\n' "$2" "$$"
	printf 'MIME-Version: 1.0\r\n'
	printf 'Content-Type: application/zip; name="r.zip"\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	base64 "$1" | sed 's/$/\r/'
}
