# shellcheck shell=sh
# tests/harness/lib.sh: what the four harnesses (pg, dovecot, dnsmasq, smtp)
# share: processes, their directories under /tmp, ports, start, stop, and
# `run CMD` with its watchdog.  Sourced by each harness after it set:
#
#   prog         its name, also the prefix of its directories
#                (/tmp/PROG.XXXXXX)
#   marker_file  a file every directory it made holds, relative to it
#   marker       that file's first line; empty: the file only has to exist
#
# and before it defines the functions this file calls back:
#
#   start_server [ARG...]  make $dir and start the server there; on failure
#                          call fail_start (which exits)
#   stop_daemon DIR        stop the server of DIR if it runs; safe if not
#   show_log DIR           the end of the server's log, on stderr
#   variables DIR          NAME=VALUE lines for the test, one a line
#
# A harness may set owner_uid (default: the caller's) to the uid its
# directories belong to, and udp_too=1 when its port must be free for UDP
# as well.  See tests/harness/README.md.

set -u

# shellcheck disable=SC2154 # prog, marker_file and marker: see above
say() { printf '%s: %s\n' "$prog" "$*" >&2; }

owner_uid=${owner_uid:-}
udp_too=${udp_too:-0}
# How often a start is tried again when it lost a race for its port.
# shellcheck disable=SC2034 # for the harness
max_tries=5

# ---------------------------------------------------------------------------
# Processes. A process that exited can stay visible until it is reaped: a
# state of Z (or X) in /proc/PID/stat counts as gone.

# proc_stat PID: print "STATE STARTTIME" of PID; fail if there is no such
# process (or no /proc).
proc_stat() {
	ps_line=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$ps_line" ] || return 1
	# The command name is in parentheses and may hold anything: skip it.
	ps_line=${ps_line##*) }
	# shellcheck disable=SC2086 # split into fields on purpose
	set -- $ps_line
	[ $# -ge 20 ] || return 1
	printf '%s %s\n' "$1" "${20}"
}

alive() {
	case $1 in '' | *[!0-9]*) return 1 ;; esac
	if [ -d /proc/self ]; then
		al_info=$(proc_stat "$1") || return 1
		case $al_info in Z* | X*) return 1 ;; esac
		return 0
	fi
	kill -0 "$1" 2>/dev/null
}

# wait_gone PID TENTHS: wait up to TENTHS tenths of a second for PID to go.
wait_gone() {
	wg_n=0
	while alive "$1"; do
		[ "$wg_n" -lt "$2" ] || return 1
		sleep 0.1 2>/dev/null || sleep 1
		wg_n=$((wg_n + 1))
	done
	return 0
}

# has_comm PID NAME: PID runs the program NAME (not a reused pid).
has_comm() {
	[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]
}

# ---------------------------------------------------------------------------
# Directories: only ever touch what `mktemp -d /tmp/PROG.XXXXXX` made.

tmp_real=$(cd -P /tmp 2>/dev/null && pwd -P) || tmp_real=/tmp

# canonical PATH: print the physical path of directory PATH.
canonical() {
	case $1 in
	/*) cn_p=$1 ;;
	*) cn_p=./$1 ;;
	esac
	(cd -P "$cn_p" 2>/dev/null && pwd -P)
}

harness_dir=$(canonical "$(dirname "$0")")
# shellcheck disable=SC2034 # for the harness's variables
harness_path=$harness_dir/$(basename "$0")

# ours_by_name CANONICAL: /tmp/PROG.XXXXXX, nothing else.
ours_by_name() {
	[ "${1%/*}" = "$tmp_real" ] || return 1
	case ${1##*/} in
	"$prog".*[!A-Za-z0-9.]* | "$prog".*.*) return 1 ;;
	"$prog".??????) return 0 ;;
	esac
	return 1
}

# checked_dir DIR: print DIR's canonical path if it is a server directory
# this harness made and the caller (or owner_uid) owns; else explain and
# fail.
checked_dir() {
	if [ -L "$1" ] || [ ! -d "$1" ]; then
		say "refusing $1: a symbolic link or not a directory"
		return 1
	fi
	cd_dir=$(canonical "$1") || {
		say "refusing $1: cannot enter it"
		return 1
	}
	if ! ours_by_name "$cd_dir"; then
		say "refusing $cd_dir: not a /tmp/$prog.XXXXXX directory"
		return 1
	fi
	# shellcheck disable=SC2154 # set by the harness
	if [ ! -f "$cd_dir/$marker_file" ] || { [ -n "$marker" ] &&
		[ "$(sed -n 1p "$cd_dir/$marker_file")" != "$marker" ]; }; then
		say "refusing $cd_dir: no $marker_file made by this harness"
		return 1
	fi
	cd_uid=$(stat -c %u "$cd_dir" 2>/dev/null)
	cd_want=${owner_uid:-$(id -u)}
	if [ "$cd_uid" != "$cd_want" ]; then
		say "refusing $cd_dir: owned by uid $cd_uid, not by uid" \
			"$cd_want; use it as the user that started it"
		return 1
	fi
	echo "$cd_dir"
}

# stop_and_remove DIR: DIR is canonical and passed ours_by_name. Stop the
# server if it runs, then remove DIR. Safe if already stopped.
stop_and_remove() {
	ours_by_name "$1" || {
		say "refusing to remove $1: not a /tmp/$prog.XXXXXX directory"
		return 1
	}
	stop_daemon "$1"
	rm -rf -- "$1"
	if [ -e "$1" ]; then
		say "could not remove $1"
		return 1
	fi
	return 0
}

# ---------------------------------------------------------------------------
# Start.

dir=

# discard_server: stop and remove the server this process made, once.
discard_server() {
	[ -n "$dir" ] || return 0
	ds_dir=$dir
	dir=
	stop_and_remove "$ds_dir"
}

fail_start() {
	say "$*"
	[ -n "$dir" ] && show_log "$dir"
	discard_server
	exit 1
}

# new_dir: a fresh /tmp/PROG.XXXXXX as $dir (canonical); the start time.
new_dir() {
	t0=$(date +%s.%N)
	dir=$(mktemp -d "/tmp/$prog.XXXXXX") || fail_start "mktemp failed"
	dir=$(canonical "$dir") || fail_start "cannot enter the new directory"
}

# since_start: seconds since new_dir, for the "up" line.
since_start() {
	echo "$t0 $(date +%s.%N)" | awk '{ printf "%.2f", $2 - $1 }'
}

random_u16() {
	ru=$(od -An -N2 -tu2 /dev/urandom 2>/dev/null | tr -dc 0-9)
	[ -n "$ru" ] || ru=$((($$ * 7919 + $(date +%s)) % 65536))
	echo "$ru"
}

# A random secret of 24 hex digits.
random_secret() {
	od -An -N12 -tx1 /dev/urandom | tr -dc 0-9a-f
}

# port_busy PORT: something listens on PORT (TCP; UDP too with udp_too=1).
port_busy() {
	command -v ss >/dev/null 2>&1 || return 1
	[ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ] && return 0
	[ "$udp_too" = 1 ] && [ -n "$(ss -Hun "sport = :$1" 2>/dev/null)" ]
}

# shellcheck disable=SC2120 # NOT is optional
# pick_port [NOT]: a random port below the ephemeral range that nothing
# uses, other than NOT.
pick_port() {
	pp_n=0
	while :; do
		pp_n=$((pp_n + 1))
		pp=$((15000 + $(random_u16) % 17000))
		if [ "$pp_n" -lt 50 ] &&
			{ [ "$pp" = "${1:-}" ] || port_busy "$pp"; }; then
			continue
		fi
		echo "$pp"
		return
	done
}

# make_tls DIR CN SAN: in DIR/tls a CA of this start (named CN), and a
# server certificate it signed for localhost with the subjectAltName SAN.
make_tls() {
	mt=$1/tls
	mkdir -m 700 "$mt" || return 1
	{
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
			-nodes -days 2 -subj "/CN=$2" \
			-addext basicConstraints=critical,CA:TRUE \
			-addext keyUsage=critical,keyCertSign,cRLSign \
			-keyout "$mt/ca.key" -out "$mt/ca.crt" &&
			openssl req -new -newkey ec \
				-pkeyopt ec_paramgen_curve:prime256v1 -nodes \
				-subj /CN=localhost -keyout "$mt/server.key" \
				-out "$mt/server.csr" &&
			printf '%s\n' 'basicConstraints = critical,CA:FALSE' \
				'keyUsage = critical,digitalSignature' \
				'extendedKeyUsage = serverAuth' \
				"subjectAltName = $3" >"$mt/server.ext" &&
			openssl x509 -req -in "$mt/server.csr" -CA "$mt/ca.crt" \
				-CAkey "$mt/ca.key" -set_serial 1 -days 2 \
				-extfile "$mt/server.ext" -out "$mt/server.crt"
	} >"$mt/openssl.log" 2>&1 || {
		sed 's/^/    /' "$mt/openssl.log" >&2
		return 1
	}
	chmod 644 "$mt/ca.crt"
}

# shellcheck disable=SC2120 # only dnsmasq has ARGs
# cmd_start [ARG...]: start_server ARG..., then print the variables for
# eval. Single quotes so that eval keeps each value whole; the values hold
# no quote (paths under /tmp/PROG.XXXXXX, numbers, names, a conninfo).
cmd_start() {
	trap 'discard_server; exit 130' INT
	trap 'discard_server; exit 143' TERM
	trap 'discard_server; exit 129' HUP
	start_server "$@"
	trap - INT TERM HUP
	variables "$dir" | sed "s/=\\(.*\\)\$/='\\1'/"
}

# ---------------------------------------------------------------------------
# Stop.

# cmd_stop DIR: stop the server in DIR and remove DIR.
cmd_stop() {
	if [ ! -e "$1" ] && [ ! -L "$1" ]; then
		case $1 in
		/tmp/"$prog".* | "$tmp_real"/"$prog".*)
			say "$1 does not exist: nothing to stop"
			exit 0
			;;
		esac
		say "refusing $1: no such directory, and not a" \
			"/tmp/$prog.XXXXXX path"
		exit 1
	fi
	st_dir=$(checked_dir "$1") || exit 1
	stop_and_remove "$st_dir" || exit 1
}

# ---------------------------------------------------------------------------
# Run.

child=

run_cleanup() {
	rc_status=$?
	trap - EXIT INT TERM HUP
	discard_server
	exit "$rc_status"
}

on_signal() {
	trap '' INT TERM HUP
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null
		if ! wait_gone "$child" 50; then
			kill -KILL "$child" 2>/dev/null
		fi
		wait "$child" 2>/dev/null
	fi
	say "interrupted (exit $1); stopping the server"
	exit "$1"
}

# A detached watchdog removes the server if the harness dies without its
# traps (SIGKILL, e.g. a ctest timeout): the server is a daemon, no child
# of ours, so nothing else would stop it.
spawn_watchdog() {
	wd_start=$(proc_stat $$) || return 0
	wd_start=${wd_start#* }
	# In a session of its own where setsid(1) exists, so that a kill of the
	# harness's process group does not reach it either.
	if command -v setsid >/dev/null 2>&1; then
		(setsid /bin/sh "$0" __watchdog "$dir" $$ "$wd_start" &) \
			</dev/null >/dev/null 2>&1
	else
		(watchdog "$dir" $$ "$wd_start" &) </dev/null >/dev/null 2>&1
	fi
}

# watchdog DIR PID STARTTIME: once PID (of that start time) is gone, end
# the command it ran and remove the server of DIR.
watchdog() {
	trap '' INT HUP
	cd / || :
	while [ -d "$1" ]; do
		wd_now=$(proc_stat "$2") || wd_now=gone
		case $wd_now in
		Z* | X* | gone) ;;
		*" $3")
			sleep 1
			continue
			;;
		esac
		# The owner is gone (or its pid was reused) and left the server:
		# end the command it ran, if still there, then the server.
		if read -r wd_cpid wd_cstart <"$1/harness.child" 2>/dev/null; then
			wd_c=$(proc_stat "$wd_cpid") &&
				[ "${wd_c#* }" = "$wd_cstart" ] &&
				kill -TERM "$wd_cpid" 2>/dev/null
		fi
		wd_dir=$(checked_dir "$1") && stop_and_remove "$wd_dir"
		exit 0
	done
	exit 0
}

# run_traps: stop the server on exit and on a signal; before start_server.
run_traps() {
	trap run_cleanup EXIT
	trap 'on_signal 130' INT
	trap 'on_signal 143' TERM
	trap 'on_signal 129' HUP
}

# run_child CMD [ARG...]: with the server up, run CMD with the variables
# exported and exit with its status.
run_child() {
	vars=$(variables "$dir")
	# The values hold no newline: one NAME=VALUE a line.
	while IFS= read -r line; do
		export "${line%%=*}=${line#*=}"
	done <<EOF
$vars
EOF
	spawn_watchdog
	# Run CMD in the background so a signal interrupts `wait` at once; an
	# asynchronous command gets /dev/null as stdin unless told otherwise.
	if { command exec 3<&0; } 2>/dev/null; then
		"$@" 0<&3 3<&- &
		child=$!
		exec 3<&-
	else
		# No stdin to pass on: CMD gets /dev/null.
		"$@" &
		child=$!
	fi
	if run_c=$(proc_stat "$child"); then
		echo "$child ${run_c#* }" >"$dir/harness.child"
	fi
	wait "$child"
	status=$?
	child=
	exit "$status"
}
