# What scripts rely on in `dmarcsift advise --json` (reports/advise_json.c),
# checked on the golden files by the unit/advise_json_jq test:
#   jq -e -s -f schema.jq *.json
def str_or_null: type == "string" or type == "null";
def num_or_null: type == "number" or type == "null";
def reason: (.code | type) == "string" and (.met | type) == "boolean"
  and (.blocks | type) == "boolean" and (.text | type) == "string";
def source: (.ip | type) == "string" and (.messages | type) == "number"
  and (.failed | type) == "number" and (.service | str_or_null)
  and (.ptr | str_or_null);
def sender: (.who | type) == "string"
  and (.class == "legitimate" or .class == "unknown")
  and ([.messages, .passed, .failed, .hit] | all(type == "number"))
  and (.blocks | type) == "boolean" and (.service | str_or_null)
  and (.cause | str_or_null) and (.fix | str_or_null)
  and (.sources | type) == "array" and all(.sources[];
       (.ip | type) == "string" and (.ptr | str_or_null)
       and (.messages | type) == "number" and (.failed | type) == "number");
def advice:
  (.domain | type) == "string"
  and (.period.days | type) == "number" and (.period.until | type) == "string"
  and (.policy_now == null or (.policy_now | (.p | str_or_null)
       and (.pct | num_or_null) and (.reported_at | str_or_null)))
  and (.policy_now_text | str_or_null)
  and (.step_now | type) == "number" and .step_now >= 0 and .step_now <= 4
  and (.step_reported | num_or_null) and (.step_published | num_or_null)
  and (.policy_published_text | str_or_null)
  and (.ready | type) == "boolean" and (.waiting | type) == "boolean"
  and (.rollback_record | str_or_null)
  and (.next_step | str_or_null) and (.next_step_no | num_or_null)
  and (.next_record | str_or_null)
  and ((.next_record == null) == (.step_now == 4))
  and (.reasons | type) == "array" and all(.reasons[]; reason)
  and ([.reasons[].code] - ["watch", "reports"] == ["data", "pass_rate", "sources",
       "stable", "new_sources"])
  and (.ready == false or all(.reasons[]; .blocks == false))
  and (.thresholds | keys) == ["days", "pass_rate", "source_share",
       "stable_days"]
  and (.evidence.mine_pass_rate | num_or_null)
  and (.evidence | [.days_with_data, .reporters, .messages, .passed,
       .legit_messages, .legit_passed, .unknown_messages, .unknown_passed,
       .forwarded, .spoofing, .ignored, .new_sources, .sub_mine_failed]
       | all(type == "number"))
  and (.failing_senders | type) == "array"
  and all(.failing_senders[]; sender)
  and (.sp_advice | str_or_null) and (.np_advice | str_or_null)
  and (.whatif == null or (.whatif | (.policy | test("^p=(quarantine|reject)"))
       and (.affected | keys) == ["forwarder", "ignored", "legitimate",
       "spoofing", "unknown"] and all(.sources[]; source
       and (.affected | type) == "number")
       and (.sources_more | type) == "number"
       and (.affected_more | type) == "number"));
length >= 3 and all(.[]; advice)
