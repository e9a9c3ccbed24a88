# awsmfa shell integration for bash. Load it from ~/.bashrc with:
#     eval "$(awsmfa hook bash)"
# It defines:
#     awsmfa-use PROFILE [OPTIONS]   put PROFILE's credentials in this shell
#     awsmfa-clear                   remove them again
#     awsmfa-prompt                  "dev 42m" while credentials are set, for PS1
# and warns once, at the prompt, when the credentials in this shell have expired.
# Sourcing it twice changes nothing; every function keeps the caller's $?.

awsmfa-use() {
  local _awsmfa_code
  _awsmfa_code="$(\command awsmfa env --shell bash "$@")" || return
  eval "$_awsmfa_code"
}

awsmfa-clear() {
  local _awsmfa_code
  _awsmfa_code="$(\command awsmfa env --unset --shell bash)" || return
  eval "$_awsmfa_code"
}

# Seconds since the epoch of an RFC 3339 UTC time (2026-01-31T12:00:00Z), in shell
# arithmetic so that the prompt starts no process.
_awsmfa_epoch() {
  local t=$1
  local y=$((10#${t:0:4})) m=$((10#${t:5:2})) d=$((10#${t:8:2}))
  local hh=$((10#${t:11:2})) mm=$((10#${t:14:2})) ss=$((10#${t:17:2}))
  ((m <= 2)) && ((y -= 1))
  local era=$((y / 400)) yoe doy doe
  yoe=$((y - era * 400))
  doy=$(((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1))
  doe=$((yoe * 365 + yoe / 4 - yoe / 100 + doy))
  printf '%s\n' $(((era * 146097 + doe - 719468) * 86400 + hh * 3600 + mm * 60 + ss))
}

_awsmfa_now() {
  if [[ -n ${EPOCHSECONDS-} ]]; then
    printf '%s\n' "$EPOCHSECONDS"
  else
    \command date +%s
  fi
}

# Minutes the credentials in this shell have left; empty when unknown, negative when expired.
_awsmfa_minutes_left() {
  local expiration=${AWS_CREDENTIAL_EXPIRATION-}
  [[ $expiration =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2} ]] || return 0
  local left
  left=$(($(_awsmfa_epoch "$expiration") - $(_awsmfa_now)))
  if ((left < 0)); then
    printf '%s\n' $(((left - 59) / 60))
  else
    printf '%s\n' $((left / 60))
  fi
}

awsmfa-prompt() {
  local status=$? left
  if [[ -n ${AWSMFA_PROFILE-} ]]; then
    left=$(_awsmfa_minutes_left)
    if [[ -z $left ]]; then
      printf '%s' "$AWSMFA_PROFILE"
    elif ((left < 0)); then
      printf '%s expired' "$AWSMFA_PROFILE"
    else
      printf '%s %sm' "$AWSMFA_PROFILE" "$left"
    fi
  fi
  return "$status"
}

_awsmfa_precmd() {
  local status=$? left
  if [[ -n ${AWSMFA_PROFILE-} && ${_awsmfa_warned-} != "$AWS_CREDENTIAL_EXPIRATION" ]]; then
    left=$(_awsmfa_minutes_left)
    if [[ -n $left ]] && ((left < 0)); then
      _awsmfa_warned=$AWS_CREDENTIAL_EXPIRATION
      printf 'awsmfa: the credentials for %s expired at %s; run: awsmfa-use %s\n' \
        "$AWSMFA_PROFILE" "$AWS_CREDENTIAL_EXPIRATION" "$AWSMFA_PROFILE" >&2
    fi
  fi
  return "$status"
}

if [[ ";${PROMPT_COMMAND[*]-};" != *";_awsmfa_precmd;"* ]]; then
  PROMPT_COMMAND="_awsmfa_precmd;${PROMPT_COMMAND-}"
fi
