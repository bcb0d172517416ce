# Writes fixture DMARC aggregate reports; sourced by test_analysis.sh.
#
# report FILE ORG DOMAIN BEGIN P RECORD...
#   BEGIN is a Unix time (the day's start), the report covers one day.
#   Each RECORD is IP|COUNT|HEADER_FROM|DKIM|SPF|REASON with
#     DKIM    "" or domain:result
#     SPF     "" or domain:result (scope mfrom)
#     REASON  "" or type[:comment]
#   The receiver's policy_evaluated is pass when the DKIM or SPF result is
#   pass for HEADER_FROM's domain (what the fixtures need), else fail.
report() {
	r_file=$1 r_org=$2 r_dom=$3 r_begin=$4 r_p=$5
	shift 5
	{
		printf '<?xml version="1.0" encoding="UTF-8"?>\n<feedback>\n'
		printf '<report_metadata><org_name>%s</org_name>' "$r_org"
		printf '<email>noreply@%s</email>' "$r_org"
		printf '<report_id>%s-%s-%s</report_id>' "$r_org" "$r_dom" "$r_begin"
		printf '<date_range><begin>%s</begin><end>%s</end></date_range>' \
			"$r_begin" $((r_begin + 86399))
		printf '</report_metadata>\n'
		printf '<policy_published><domain>%s</domain><adkim>r</adkim>' "$r_dom"
		printf '<aspf>r</aspf><p>%s</p><sp>%s</sp><pct>100</pct>' "$r_p" "$r_p"
		printf '</policy_published>\n'
		for r_rec in "$@"; do
			# Empty fields stay in place; a trailing one may go.
			r_ifs=$IFS
			IFS='|'
			set -f
			# shellcheck disable=SC2086
			set -- $r_rec
			set +f
			IFS=$r_ifs
			ip=$1 count=$2 hfrom=$3 dkim=${4:-} spf=${5:-} reason=${6:-}
			dk=fail sp=fail
			case $dkim in "$hfrom":pass) dk=pass ;; esac
			case $spf in "$hfrom":pass) sp=pass ;; esac
			printf '<record><row><source_ip>%s</source_ip>' "$ip"
			printf '<count>%s</count><policy_evaluated>' "$count"
			printf '<disposition>none</disposition><dkim>%s</dkim>' "$dk"
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
			if [ -n "$dkim" ]; then
				printf '<dkim><domain>%s</domain><selector>s1</selector>' \
					"${dkim%%:*}"
				printf '<result>%s</result></dkim>' "${dkim#*:}"
			fi
			if [ -n "$spf" ]; then
				printf '<spf><domain>%s</domain><scope>mfrom</scope>' \
					"${spf%%:*}"
				printf '<result>%s</result></spf>' "${spf#*:}"
			fi
			printf '</auth_results></record>\n'
		done
		printf '</feedback>\n'
	} >"$r_file"
}
