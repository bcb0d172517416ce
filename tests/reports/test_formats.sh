#!/bin/sh
# The JSON of `dmarcsift report` has the shape reports/README.md documents:
# every key, and only those, with its type, for each fixture of
# tests/unit/digest_fixture.h; strings come back exactly (hostile ones too).
#
#   sh test_formats.sh PATH/TO/test_digest_formats
set -e

bin=$1
. "$(dirname "$0")/../lib.sh"
command -v jq >/dev/null || { echo "jq is needed" >&2; exit 1; }

# Prints one line per broken rule; nothing when the document conforms.
shape='
def iso: type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$");
def iso_or_null: . == null or iso;
def int: type == "number" and . == floor;
def uint: int and . >= 0;
def str_or_null: . == null or type == "string";
def keys_are($k): type == "object" and (keys == ($k | sort));
def rule($ok; $msg): if $ok then empty else $msg end;

def member($p):
  rule(keys_are(["ip","class","service","ptr","messages","passed","failed",
    "forwarded","cause","first_seen","last_seen"]); "\($p): keys \(keys)"),
  rule(.ip | type == "string"; "\($p).ip"),
  rule(.class | IN("legitimate","forwarder","unknown","spoofing","ignored"); "\($p).class"),
  rule([.service, .ptr, .cause] | all(str_or_null); "\($p) strings"),
  rule([.messages, .passed, .failed, .forwarded] | all(uint); "\($p) counts"),
  rule([.first_seen, .last_seen] | all(iso_or_null); "\($p) times");

def source($p):
  rule(keys_are(["ip","who","addresses","members","class","service","ptr","messages","passed","failed",
    "forwarded","cause","cause_text","fix","dkim_domains","spf_domains",
    "reporters","first_seen","last_seen"]); "\($p): keys \(keys)"),
  rule(.ip | str_or_null; "\($p).ip"),
  rule(.who | str_or_null; "\($p).who"),
  rule(.addresses as $n | .members | type == "array" and length == $n; "\($p).members"),
  rule((.ip == null) == (.addresses > 1); "\($p).ip null iff several addresses"),
  (.members | to_entries[] | .key as $i | .value | member("\($p).members[\($i)]")),
  rule(.class | IN("legitimate","forwarder","unknown","spoofing","ignored"); "\($p).class"),
  rule([.service, .ptr, .cause, .cause_text, .fix] | all(str_or_null); "\($p) strings"),
  rule([.messages, .passed, .failed, .forwarded, .reporters] | all(uint); "\($p) counts"),
  rule([.dkim_domains, .spf_domains] | all(type == "array" and all(.[]; type == "string")); "\($p) domain lists"),
  rule([.first_seen, .last_seen] | all(iso_or_null); "\($p) times");

def list($p):
  rule(keys_are(["sources","more"]); "\($p): keys"),
  rule(.more | uint; "\($p).more"),
  (.sources | to_entries[] | .key as $i | .value | source("\($p).sources[\($i)]"));

def rate_or_null: . == null or (type == "number" and . >= 0 and . <= 100);
def day: type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");

# `dmarcsift tls --json` (reports/README.md, dmarcsift tls).
def tls($p):
  rule(keys_are(["domain","since","until","days","reports","sessions",
    "successful","failed","success_rate","latest_day","by_day","by_mx",
    "by_mx_more","failures","failures_more","reporters","reporters_more"]);
    "\($p): keys \(keys)"),
  rule([.by_mx_more, .failures_more, .reporters_more] | all(uint); "\($p) more"),
  rule(.domain | type == "string"; "\($p).domain"),
  rule([.since, .until] | all(iso); "\($p) times"),
  rule([.days, .reports, .sessions, .successful, .failed] | all(uint); "\($p) counts"),
  rule(.sessions == .successful + .failed; "\($p).sessions"),
  rule(.reports > 0; "\($p).reports: null rather than none"),
  rule(.success_rate | rate_or_null; "\($p).success_rate"),
  rule(.latest_day | . == null or day; "\($p).latest_day"),
  rule(.by_day | type == "array" and all(.[]; keys_are(["day","successful",
    "failed","success_rate"]) and (.day | day) and ([.successful, .failed] | all(uint))
    and (.success_rate | rate_or_null)); "\($p).by_day"),
  rule(.by_mx | type == "array" and all(.[]; keys_are(["mx","failed","result_types"])
    and (.mx | str_or_null) and (.failed | uint) and (.result_types | type == "string")); "\($p).by_mx"),
  rule(.failures | type == "array" and all(.[]; keys_are(["result_type","failed",
    "mx_hosts","text","fix"]) and ([.result_type, .text, .fix] | all(type == "string"))
    and ([.failed, .mx_hosts] | all(uint))); "\($p).failures"),
  rule(.reporters | type == "array" and all(.[]; keys_are(["reporter","reports",
    "successful","failed","success_rate","last_day"]) and (.reporter | type == "string")
    and ([.reports, .successful, .failed] | all(uint)) and (.success_rate | rate_or_null)
    and (.last_day | type == "string")); "\($p).reporters");

def domain($p):
  rule(keys_are(["domain","messages","passed","pass_rate","previous",
    "latest_day","try_until","earliest_day","days",
    "policy","readiness","failing_yours","new_sources","stopped_sources",
    "spoofing_sources","reporters","reporters_more","reporters_more_messages",
    "dns","failure_reports","tls"]); "\($p): keys \(keys)"),
  rule([.reporters_more, .reporters_more_messages] | all(uint); "\($p).reporters_more"),
  rule(.failure_reports == null or (.failure_reports | keys_are(["reports","latest_day"])
    and (.reports | uint and . > 0) and (.latest_day | day)); "\($p).failure_reports"),
  (if .tls == null then empty else (.tls | tls("\($p).tls")) end),
  rule(.domain | type == "string"; "\($p).domain"),
  rule([.latest_day, .try_until, .earliest_day] | all(. == null or test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")); "\($p) latest_day, try_until, earliest_day"),
  rule(.messages == 0 or ([.latest_day, .try_until, .earliest_day] | all(. == null)); "\($p) where the data is only without mail"),
  rule([.messages, .passed] | all(uint); "\($p) counts"),
  rule(.pass_rate == null or (.pass_rate | type == "number" and . >= 0 and . <= 100); "\($p).pass_rate"),
  rule((.messages == 0) == (.pass_rate == null); "\($p).pass_rate null iff no messages"),
  rule(.previous == null or (.previous | keys_are(["messages","passed","pass_rate"])
    and (.messages | uint) and (.passed | uint)
    and (.pass_rate == null or (.pass_rate | type == "number"))); "\($p).previous"),
  rule(.days | type == "array" and all(.[]; keys_are(["day","messages","passed"])
    and (.day | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")) and (.messages | uint)
    and (.passed | uint)); "\($p).days"),
  rule(.policy == null or (.policy | keys_are(["p","sp","np","pct","testing",
    "adkim","aspf","reported_at","since"])
    and ([.p, .sp, .np, .testing, .adkim, .aspf] | all(str_or_null))
    and (.pct == null or (.pct | int)) and ([.reported_at, .since] | all(iso_or_null))); "\($p).policy"),
  (.readiness as $r |
    rule($r | keys_are(["ready","step_now","policy_now","next_step_no",
      "next_step","next_record","verdict","waiting","published",
      "rollback_step","rollback_record","reasons","sp_advice","np_advice"]); "\($p).readiness keys"),
    rule($r.verdict | IN("roll_back","last_step","ready","wait","not_ready"); "\($p).readiness.verdict"),
    rule($r.waiting | type == "boolean"; "\($p).readiness.waiting"),
    rule($r.published == null or ($r.published | keys_are(["policy","step","differs"])
      and (.policy | type == "string") and (.step | int) and (.differs | type == "boolean")); "\($p).readiness.published"),
    rule(($r.rollback_step == null) == ($r.rollback_record == null); "\($p).readiness.rollback_step iff rollback_record"),
    rule(($r.verdict == "roll_back") == ($r.rollback_record != null); "\($p).readiness.verdict roll_back iff rollback_record"),
    rule($r.ready | type == "boolean"; "\($p).readiness.ready"),
    rule($r.step_now | int and . >= 0 and . <= 4; "\($p).readiness.step_now"),
    rule($r.next_step_no == null or ($r.next_step_no | int); "\($p).readiness.next_step_no"),
    rule([$r.policy_now, $r.next_step, $r.next_record, $r.sp_advice, $r.np_advice] | all(str_or_null); "\($p).readiness strings"),
    rule($r.reasons | type == "array" and all(.[]; keys_are(["code","met","text"])
      and (.code | type == "string") and (.met | . == null or type == "boolean")
      and (.text | type == "string")); "\($p).readiness.reasons")),
  (.failing_yours | list("\($p).failing_yours")),
  (.new_sources | list("\($p).new_sources")),
  (.stopped_sources | list("\($p).stopped_sources")),
  (.spoofing_sources | list("\($p).spoofing_sources")),
  rule(.reporters | type == "array" and all(.[]; keys_are(["name","reports",
    "messages","days","days_covered","silent"]) and (.name | type == "string")
    and (.reports | uint) and (.messages | uint) and (.days | type == "string")
    and (.days_covered | int) and (.silent | type == "boolean")); "\($p).reporters"),
  rule(.dns == null or (.dns | type == "array" and all(.[]; keys_are(["id",
    "status","subject","text","fix"]) and (.status | IN("pass","warn","fail","dnserror"))
    and ([.id, .subject, .text] | all(type == "string")) and (.fix | str_or_null))); "\($p).dns");

rule(keys_are(["period","generated_at","domains","refused","foreign"]); "top keys \(keys)"),
rule(.period | keys_are(["name","since","until","previous_since"])
  and (.name | type == "string") and ([.since, .until, .previous_since] | all(iso)); "period"),
rule(.generated_at | iso; "generated_at"),
rule(.domains | type == "array"; "domains"),
(.domains | to_entries[] | .key as $i | .value | domain("domains[\($i)]")),
rule(.refused | keys_are(["inputs","more"]) and (.more | uint)
  and (.inputs | type == "array" and all(.[]; keys_are(["input","source_name",
  "received_at","reason"]) and (.input | int) and (.source_name | type == "string")
  and (.received_at | iso_or_null) and (.reason | type == "string"))); "refused")
'

for fx in realistic empty first nodata hostile; do
	"$bin" --emit json "$fx" >"$tmp/$fx.json"
	jq -r "$shape" "$tmp/$fx.json" >"$tmp/$fx.err" || {
		fail "$fx: jq could not read the JSON"
		continue
	}
	if [ -s "$tmp/$fx.err" ]; then
		fail "$fx: does not match the documented shape:"
		sed 's/^/  /' "$tmp/$fx.err" >&2
	fi
done

# Values, decoded by jq: what the fixtures hold.
jeq() { # FIXTURE FILTER EXPECTED-JSON, compared as values by jq
	if ! jq -e --argjson want "$3" "($2) == \$want" "$tmp/$1.json" \
	    >/dev/null; then
		fail "$1: $2 gave $(jq -c "$2" "$tmp/$1.json" | od -c | head -5)," \
		    "expected $3"
	fi
}
jeq realistic '[.domains[].domain]' '["example.com","example.org","example.net","example.edu"]'
jeq realistic '.domains[3].readiness | [.step_now, .next_step_no, .next_step, .next_record]' '[4,null,null,null]'
jeq realistic '.domains[0] | [.messages, .passed, .pass_rate]' '[10182,9806,96.3]'
jeq realistic '.domains[0].previous' '{"messages":9650,"passed":9101,"pass_rate":94.3}'
jeq realistic '.domains[0].failing_yours | [.sources[0].ip, .sources[0].failed, .sources[0].cause, .more]' '["192.0.2.25",149,"spf_unaligned",3]'
jeq realistic '.domains[0].failing_yours.sources[0] | [.first_seen, .last_seen, .dkim_domains]' '["2026-11-09T00:00:00Z","2026-11-15T01:00:00Z",["sendgrid.net"]]'
jeq realistic '.domains[0].reporters[3] | [.name, .days, .days_covered, .silent]' '["Mail.Ru","0000000",0,true]'
jeq realistic '[.domains[0].readiness.reasons[].met]' '[true,false,false,null]'
jeq realistic '[.domains[0].dns[] | select(.status != "pass") | .id]' '["dmarc.policy","spf.lookups"]'
jeq realistic '.domains[0].dns[0].fix' 'null'
jeq realistic '[.domains[1].previous, .domains[1].readiness.ready, .domains[1].dns]' '[null,true,null]'
jeq realistic '.domains[2] | [.latest_day, .try_until, .earliest_day]' '["2026-11-08","2026-11-09",null]'
jeq realistic '.domains[2] | [.messages, .pass_rate, .days[0]]' '[0,null,{"day":"2026-11-09","messages":0,"passed":0}]'
jeq realistic '.refused | [.inputs[0].input, .inputs[0].received_at, .more]' '[4711,"2026-11-10T04:00:00Z",1]'
jeq empty '[.domains, .refused]' '[[],{"inputs":[],"more":0}]'
jeq nodata '.domains[0] | [.policy, .readiness.next_record, (.days | length)]' '[null,null,30]'
jeq hostile '.domains[0].reporters[0].name' '"\u001b]0;owned\u0007\u001b[2J\u001b[31mred\u009b31m"'
jeq hostile '.domains[0].new_sources.sources[0].service' '"a,b\"c\r\nd"'
jeq hostile '.domains[0].failing_yours.sources[1].ip | length' '300'
jeq hostile '.domains[0].failing_yours.sources[1].service | length' '300'
jeq hostile '.refused.inputs[1].reason | length' '400'
# SMTP TLS and failure reports: example.com's, as `tls --json` says them;
# none for the others.
jeq realistic '.domains[0].tls | [.sessions, .successful, .failed, .success_rate, .reports]' '[1520,1400,120,92.1,2]'
jeq realistic '.domains[0].tls.by_day | map([.day, .success_rate])' '[["2026-11-10",90],["2026-11-11",96.1]]'
jeq realistic '.domains[0].tls.failures[1] | [.result_type, .failed, .mx_hosts]' '["certificate-expired",23,1]'
jeq realistic '.domains[0].failure_reports' '{"reports":3,"latest_day":"2026-11-13"}'
jeq realistic '[.domains[1:][] | .tls, .failure_reports] | unique' '[null]'
jeq hostile '.domains[0].tls.by_mx[0].mx' '"\u001b]0;owned\u0007\u001b[2J\u001b[31mred\u009b31m| a | `b` ``c`` # h * _u_ <b>x</b> &amp; [l](http://x) $m$ \\| \\"'
jeq hostile '.domains[0].failure_reports.reports' '18446744073709551615'

finish "json shape and values: ok"
