# awsmfa shell integration for fish. Load it from ~/.config/fish/config.fish with:
#     awsmfa hook fish | source
# It defines:
#     awsmfa-use PROFILE [OPTIONS]   put PROFILE's credentials in this shell
#     awsmfa-clear                   remove them again
#     awsmfa-prompt                  "dev 42m" while credentials are set, for fish_prompt
# and warns once, at the prompt, when the credentials in this shell have expired.
# Sourcing it twice changes nothing; every function keeps the caller's $status.

function awsmfa-use --description 'Put the credentials of an awsmfa profile in this shell'
    set -l _awsmfa_code (command awsmfa env --shell fish $argv | string collect)
    set -l _awsmfa_status $pipestatus[1]
    test $_awsmfa_status -eq 0; or return $_awsmfa_status
    printf '%s' $_awsmfa_code | source
end

function awsmfa-clear --description 'Remove the credentials awsmfa-use put in this shell'
    set -l _awsmfa_code (command awsmfa env --unset --shell fish | string collect)
    set -l _awsmfa_status $pipestatus[1]
    test $_awsmfa_status -eq 0; or return $_awsmfa_status
    printf '%s' $_awsmfa_code | source
    return 0
end

# Seconds since the epoch of an RFC 3339 UTC time (2026-01-31T12:00:00Z).
function _awsmfa_epoch
    set -l t $argv[1]
    set -l y (math (string sub -s 1 -l 4 -- $t))
    set -l m (math (string sub -s 6 -l 2 -- $t))
    set -l d (math (string sub -s 9 -l 2 -- $t))
    set -l hh (math (string sub -s 12 -l 2 -- $t))
    set -l mm (math (string sub -s 15 -l 2 -- $t))
    set -l ss (math (string sub -s 18 -l 2 -- $t))
    set -l shift 9
    if test $m -le 2
        set y (math $y - 1)
    else
        set shift -3
    end
    set -l era (math "floor($y / 400)")
    set -l yoe (math "$y - $era * 400")
    set -l doy (math "floor((153 * ($m + $shift) + 2) / 5) + $d - 1")
    set -l doe (math "$yoe * 365 + floor($yoe / 4) - floor($yoe / 100) + $doy")
    math "($era * 146097 + $doe - 719468) * 86400 + $hh * 3600 + $mm * 60 + $ss"
end

# Minutes the credentials in this shell have left; nothing when unknown, negative when expired.
function _awsmfa_minutes_left
    set -q AWS_CREDENTIAL_EXPIRATION; or return 0
    string match -qr '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d' -- $AWS_CREDENTIAL_EXPIRATION; or return 0
    set -l left (math (_awsmfa_epoch $AWS_CREDENTIAL_EXPIRATION) - (command date +%s))
    math "floor($left / 60)"
end

function awsmfa-prompt --description 'The awsmfa profile and the minutes its credentials have left'
    set -l last $status
    if set -q AWSMFA_PROFILE; and test -n "$AWSMFA_PROFILE"
        set -l left (_awsmfa_minutes_left)
        if test -z "$left"
            printf '%s' $AWSMFA_PROFILE
        else if test $left -lt 0
            printf '%s expired' $AWSMFA_PROFILE
        else
            printf '%s %sm' $AWSMFA_PROFILE $left
        end
    end
    return $last
end

function _awsmfa_precmd --on-event fish_prompt
    set -l last $status
    if set -q AWSMFA_PROFILE; and test -n "$AWSMFA_PROFILE"
        and test "$_awsmfa_warned" != "$AWS_CREDENTIAL_EXPIRATION"
        set -l left (_awsmfa_minutes_left)
        if test -n "$left"; and test $left -lt 0
            set -g _awsmfa_warned $AWS_CREDENTIAL_EXPIRATION
            printf 'awsmfa: the credentials for %s expired at %s; run: awsmfa-use %s\n' \
                $AWSMFA_PROFILE $AWS_CREDENTIAL_EXPIRATION $AWSMFA_PROFILE >&2
        end
    end
    return $last
end
