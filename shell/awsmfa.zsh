# awsmfa shell integration for zsh. Load it from ~/.zshrc with:
#     eval "$(awsmfa hook zsh)"
# It defines:
#     awsmfa-use PROFILE [OPTIONS]   put PROFILE's credentials in this shell
#     awsmfa-clear                   remove them again
#     awsmfa-prompt                  "dev 42m" while credentials are set, for PROMPT
#                                    (with setopt prompt_subst: PROMPT='$(awsmfa-prompt) %# ')
# and warns once, at the prompt, when the credentials in this shell have expired.
# Sourcing it twice changes nothing; every function keeps the caller's $?.

zmodload zsh/datetime 2>/dev/null
autoload -Uz add-zsh-hook

awsmfa-use() {
  local _awsmfa_code
  _awsmfa_code="$(\command awsmfa env --shell zsh "$@")" || return
  eval "$_awsmfa_code"
}

awsmfa-clear() {
  local _awsmfa_code
  _awsmfa_code="$(\command awsmfa env --unset --shell zsh)" || return
  eval "$_awsmfa_code"
}

# Seconds since the epoch of an RFC 3339 UTC time (2026-01-31T12:00:00Z), in shell
# arithmetic so that the prompt starts no process.
_awsmfa_epoch() {
  emulate -L zsh
  local t=$1
  integer y=10#${t[1,4]} m=10#${t[6,7]} d=10#${t[9,10]}
  integer hh=10#${t[12,13]} mm=10#${t[15,16]} ss=10#${t[18,19]}
  (( m <= 2 )) && (( y -= 1 ))
  integer era=$(( y / 400 ))
  integer yoe=$(( y - era * 400 ))
  integer doy=$(( (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1 ))
  integer doe=$(( yoe * 365 + yoe / 4 - yoe / 100 + doy ))
  print -r -- $(( (era * 146097 + doe - 719468) * 86400 + hh * 3600 + mm * 60 + ss ))
}

# Minutes the credentials in this shell have left; empty when unknown, negative when expired.
_awsmfa_minutes_left() {
  emulate -L zsh
  local expiration=${AWS_CREDENTIAL_EXPIRATION-}
  [[ $expiration == [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]* ]] ||
    return 0
  integer now=${EPOCHSECONDS:-$(\command date +%s)}
  integer left=$(( $(_awsmfa_epoch $expiration) - now ))
  if (( left < 0 )); then
    print -r -- $(( (left - 59) / 60 ))
  else
    print -r -- $(( left / 60 ))
  fi
}

awsmfa-prompt() {
  local last=$?
  if [[ -n ${AWSMFA_PROFILE-} ]]; then
    local left=$(_awsmfa_minutes_left)
    if [[ -z $left ]]; then
      print -rn -- "$AWSMFA_PROFILE"
    elif (( left < 0 )); then
      print -rn -- "$AWSMFA_PROFILE expired"
    else
      print -rn -- "$AWSMFA_PROFILE ${left}m"
    fi
  fi
  return $last
}

_awsmfa_precmd() {
  local last=$?
  if [[ -n ${AWSMFA_PROFILE-} && ${_awsmfa_warned-} != "${AWS_CREDENTIAL_EXPIRATION-}" ]]; then
    local left=$(_awsmfa_minutes_left)
    if [[ -n $left ]] && (( left < 0 )); then
      typeset -g _awsmfa_warned=$AWS_CREDENTIAL_EXPIRATION
      print -ru2 -- "awsmfa: the credentials for $AWSMFA_PROFILE expired at $AWS_CREDENTIAL_EXPIRATION; run: awsmfa-use $AWSMFA_PROFILE"
    fi
  fi
  return $last
}

add-zsh-hook precmd _awsmfa_precmd
