# Writes fixture DMARC aggregate reports; sourced by test_analysis.sh and
# test_scenarios.sh.
#
# report FILE ORG DOMAIN BEGIN P RECORD...
#   BEGIN is a Unix time (the day's start), the report covers one day.
#   Each RECORD is IP|COUNT|HEADER_FROM|DKIM|SPF|REASON with
#     DKIM    "" or domain[/selector]:result, or several of those
#             separated by commas (one signature each; selector s1 when
#             not given)
#     SPF     "" or domain:result (scope mfrom)
#     REASON  "" or type[:comment]
#   The receiver's policy_evaluated is pass when the DKIM or SPF result is
#   pass for HEADER_FROM's domain (what the fixtures need), else fail.
report() {
	r_file=$1 r_org=$2 r_dom=$3 r_begin=$4 r_p=$5
	shift 5
	report2 "$r_file" "$r_org" "$r_dom" "$r_begin" $((r_begin + 86399)) \
		"adkim=r aspf=r p=$r_p sp=$r_p pct=100" "$@"
}

# report2 FILE ORG DOMAIN BEGIN END POLICY RECORD...
#   BEGIN and END are Unix times, written as they are (a daily report is
#   BEGIN, BEGIN+86399).
#   POLICY is a blank-separated list of TAG=VALUE, written in that order
#   as <TAG>VALUE</TAG> in policy_published after <domain>; a TAG left out
#   is not written at all.  One pseudo-tag: ns=bis writes the report in
#   the DMARCbis namespace (urn:ietf:params:xml:ns:dmarc-2.0, with
#   <version>1.0</version>), and is not a policy tag.
#   Each RECORD is IP|COUNT|HEADER_FROM|DKIM|SPF|REASON, as for report:
#   DKIM "" or domain[/selector]:result[,...] (as for report), SPF ""
#   or domain:result, REASON "" or type[:comment];
#   the receiver's policy_evaluated is pass when the DKIM or SPF result is
#   pass for HEADER_FROM's domain, else fail.  An optional seventh field
#   is the disposition (none when absent): IP|COUNT|...|REASON|quarantine.
report2() {
	r2_file=$1 r2_org=$2 r2_dom=$3 r2_begin=$4 r2_end=$5 r2_pol=$6
	shift 6
	r2_ns=
	for r2_t in $r2_pol; do
		case $r2_t in ns=bis) r2_ns=bis ;; esac
	done
	{
		printf '<?xml version="1.0" encoding="UTF-8"?>\n'
		if [ "$r2_ns" = bis ]; then
			printf '<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">\n'
			printf '<version>1.0</version>\n'
		else
			printf '<feedback>\n'
		fi
		printf '<report_metadata><org_name>%s</org_name>' "$r2_org"
		printf '<email>noreply@%s</email>' "$r2_org"
		printf '<report_id>%s-%s-%s-%s</report_id>' "$r2_org" "$r2_dom" \
			"$r2_begin" "$r2_end"
		printf '<date_range><begin>%s</begin><end>%s</end></date_range>' \
			"$r2_begin" "$r2_end"
		printf '</report_metadata>\n'
		printf '<policy_published><domain>%s</domain>' "$r2_dom"
		for r2_t in $r2_pol; do
			case $r2_t in
			ns=*) ;;
			*=*) printf '<%s>%s</%s>' "${r2_t%%=*}" "${r2_t#*=}" \
				"${r2_t%%=*}" ;;
			esac
		done
		printf '</policy_published>\n'
		for r2_rec in "$@"; do
			r2_ifs=$IFS
			IFS='|'
			set -f
			# shellcheck disable=SC2086
			set -- $r2_rec
			set +f
			IFS=$r2_ifs
			ip=$1 count=$2 hfrom=$3 dkim=${4:-} spf=${5:-} reason=${6:-}
			disp=${7:-none}
			dk=fail sp=fail
			r2_ifs=$IFS
			IFS=,
			set -f
			for r2_sig in $dkim; do
				r2_d=${r2_sig%%:*}
				[ "${r2_d%%/*}:${r2_sig#*:}" = "$hfrom:pass" ] && dk=pass
			done
			set +f
			IFS=$r2_ifs
			case $spf in "$hfrom":pass) sp=pass ;; esac
			printf '<record><row><source_ip>%s</source_ip>' "$ip"
			printf '<count>%s</count><policy_evaluated>' "$count"
			printf '<disposition>%s</disposition><dkim>%s</dkim>' \
				"$disp" "$dk"
			printf '<spf>%s</spf>' "$sp"
			if [ -n "$reason" ]; then
				printf '<reason><type>%s</type>' "${reason%%:*}"
				case $reason in
				*:*) printf '<comment>%s</comment>' "${reason#*:}" ;;
				esac
				printf '</reason>'
			fi
			printf '</policy_evaluated></row>'
			printf '<identifiers><header_from>%s</header_from>' "$hfrom"
			printf '</identifiers><auth_results>'
			r2_rest=$dkim
			while [ -n "$r2_rest" ]; do
				r2_sig=${r2_rest%%,*}
				case $r2_rest in
				*,*) r2_rest=${r2_rest#*,} ;;
				*) r2_rest= ;;
				esac
				r2_d=${r2_sig%%:*} r2_s=s1
				case $r2_d in */*) r2_s=${r2_d#*/} r2_d=${r2_d%%/*} ;; esac
				printf '<dkim><domain>%s</domain>' "$r2_d"
				printf '<selector>%s</selector>' "$r2_s"
				printf '<result>%s</result></dkim>' "${r2_sig#*:}"
			done
			if [ -n "$spf" ]; then
				printf '<spf><domain>%s</domain><scope>mfrom</scope>' \
					"${spf%%:*}"
				printf '<result>%s</result></spf>' "${spf#*:}"
			fi
			printf '</auth_results></record>\n'
		done
		printf '</feedback>\n'
	} >"$r2_file"
}

# report_mail FILE ORG AUTHRES REPORT: REPORT (a file) in a mail from
# noreply@ORG, as the owner's server mx.owner.test delivers it: with its
# Authentication-Results (AUTHRES, the results) on top.
report_mail() {
	{
		printf 'Return-Path: <noreply@%s>\n' "$2"
		printf 'Authentication-Results: mx.owner.test;\n\t%s\n' "$3"
		printf 'Received: from mail.%s by mx.owner.test;\n' "$2"
		printf '\tWed, 1 Apr 2026 00:00:00 +0000\n'
		printf 'From: noreply@%s\n' "$2"
		printf 'To: dmarc@owner.test\n'
		printf 'Subject: Report Submitter: %s\n' "$2"
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: application/xml\n'
		printf 'Content-Disposition: attachment; filename="r.xml"\n\n'
		cat "$4"
	} >"$1"
}
