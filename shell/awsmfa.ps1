# awsmfa shell integration for PowerShell. Load it from $PROFILE with:
#     awsmfa hook powershell | Out-String | Invoke-Expression
# It defines:
#     awsmfa-use PROFILE [OPTIONS]   put PROFILE's credentials in this session
#     awsmfa-clear                   remove them again
#     awsmfa-prompt                  "dev 42m" while credentials are set, for your prompt
# and warns once, at the prompt, when the credentials in this session have expired.
# Loading it twice changes nothing; the prompt keeps $? and $LASTEXITCODE.

function global:_awsmfa_exe {
    Get-Command -Name awsmfa -CommandType Application -ErrorAction Stop | Select-Object -First 1
}

function global:awsmfa-use {
    $code = & (_awsmfa_exe) env --shell powershell @args
    if ($LASTEXITCODE -ne 0) { return }
    ($code | Out-String) | Invoke-Expression
}

function global:awsmfa-clear {
    $code = & (_awsmfa_exe) env --unset --shell powershell
    if ($LASTEXITCODE -ne 0) { return }
    ($code | Out-String) | Invoke-Expression
}

function global:_awsmfa_minutes_left {
    $expiration = $Env:AWS_CREDENTIAL_EXPIRATION
    if (-not $expiration) { return $null }
    $at = [DateTimeOffset]::MinValue
    $styles = [Globalization.DateTimeStyles]::AssumeUniversal
    if (-not [DateTimeOffset]::TryParse($expiration, [Globalization.CultureInfo]::InvariantCulture, $styles, [ref]$at)) {
        return $null
    }
    [Math]::Floor(($at - [DateTimeOffset]::UtcNow).TotalMinutes)
}

function global:awsmfa-prompt {
    if (-not $Env:AWSMFA_PROFILE) { return '' }
    $left = _awsmfa_minutes_left
    if ($null -eq $left) { return $Env:AWSMFA_PROFILE }
    if ($left -lt 0) { return "$Env:AWSMFA_PROFILE expired" }
    "$Env:AWSMFA_PROFILE ${left}m"
}

function global:_awsmfa_precmd {
    if (-not $Env:AWSMFA_PROFILE) { return }
    if ($global:_awsmfa_warned -eq $Env:AWS_CREDENTIAL_EXPIRATION) { return }
    $left = _awsmfa_minutes_left
    if ($null -ne $left -and $left -lt 0) {
        $global:_awsmfa_warned = $Env:AWS_CREDENTIAL_EXPIRATION
        [Console]::Error.WriteLine(
            "awsmfa: the credentials for $Env:AWSMFA_PROFILE expired at " +
            "$Env:AWS_CREDENTIAL_EXPIRATION; run: awsmfa-use $Env:AWSMFA_PROFILE")
    }
}

# Wrap the current prompt once: a second load finds the wrapper and leaves it alone.
if (-not (Test-Path Function:\_awsmfa_user_prompt)) {
    Set-Item -Path Function:global:_awsmfa_user_prompt -Value $function:prompt
    function global:prompt {
        $lastOk = $?
        $lastExit = $global:LASTEXITCODE
        _awsmfa_precmd
        $global:LASTEXITCODE = $lastExit
        if (-not $lastOk) { Write-Error '' -ErrorAction Ignore }
        _awsmfa_user_prompt
    }
}
