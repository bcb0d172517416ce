#!/bin/sh
# deps.sh build|run|test: make sure the Debian packages dmarcsift needs to
# build, to run (a PostgreSQL server for the private cluster), or to test
# are installed.  As root it installs what is missing with apt-get; as anyone
# else it prints the one apt-get line to run and fails.
set -eu

build_pkgs="build-essential cmake pkg-config libxml2-dev zlib1g-dev \
libzip-dev libgmime-3.0-dev libpq-dev libcurl4-openssl-dev libssl-dev \
libpsl-dev libc-ares-dev libmicrohttpd-dev libcrypt-dev libjson-c-dev"
# publicsuffix: the list libpsl reads at run time, kept fresh by Debian.
run_pkgs="postgresql publicsuffix ca-certificates"
# Real servers on loopback for the integration tests (Dovecot for IMAP,
# dnsmasq for DNS, aiosmtpd for SMTP), Chromium plus xmllint to check that
# the HTML report renders and is well-formed, and ss (iproute2) to see the
# keepalive timer of a database connection; curl to ask dmarcsift serve,
# chromium-driver and python3-selenium to click through it in Chromium;
# prometheus for its promtool, which reads what dmarcsift metrics writes;
# time (/usr/bin/time) for the peak memory of a command.
test_pkgs="libcmocka-dev jq dovecot-imapd openssl dnsmasq-base \
python3-aiosmtpd chromium libxml2-utils iproute2 curl chromium-driver \
python3-selenium prometheus time"

case "${1:-build}" in
build) want=$build_pkgs ;;
run) want="$build_pkgs $run_pkgs" ;;
test) want="$build_pkgs $run_pkgs $test_pkgs" ;;
*)
	echo "usage: $0 build|run|test" >&2
	exit 2
	;;
esac

missing=
for p in $want; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

line="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "dmarcsift needs these Debian packages:$missing" >&2
	echo "Install them as root, then run this again:" >&2
	echo "  sudo apt-get update && sudo $line" >&2
	exit 2
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 \
	$missing >/dev/null
