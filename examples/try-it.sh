#!/usr/bin/env bash
# Try awsmfa with no AWS account: a moto STS server on 127.0.0.1, a throwaway config with
# example keys, and `awsmfa exec dev -- aws sts get-caller-identity` twice: the first with a
# code, the second from the session agent, which holds the MFA session and the role.
set -euo pipefail

workdir=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto_pid=$!
trap 'awsmfa agent stop >/dev/null 2>&1; kill "$moto_pid" 2>/dev/null; rm -rf "$workdir"' EXIT

cat >"$workdir/config" <<CONFIG
[profile landing]
region = eu-west-1
mfa_serial = arn:aws:iam::123456789012:mfa/alice

[profile dev]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = landing
region = eu-central-1
CONFIG
cat >"$workdir/credentials" <<CREDENTIALS
[landing]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
CREDENTIALS

export AWS_CONFIG_FILE="$workdir/config" AWS_SHARED_CREDENTIALS_FILE="$workdir/credentials"
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_EC2_METADATA_DISABLED=true
export AWSMFA_AGENT_SOCK="$workdir/agent/agent.sock"  # this run's own agent, gone at the end
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CA_BUNDLE
for _ in $(seq 100); do  # wait up to 10 s for moto to listen
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  sleep 0.1
done

echo "== before: the landing account's long-term keys"
AWS_PROFILE=landing aws sts get-caller-identity
echo "== after: awsmfa exec dev -t 123456 -- aws sts get-caller-identity"
awsmfa exec dev -t 123456 -- aws sts get-caller-identity
echo "== again, with no code: the session agent holds dev's role"
awsmfa exec dev -- aws sts get-caller-identity </dev/null
cat <<'NEXT'

Next steps:
  pipx install .                       # awsmfa on your PATH (pip install . hits PEP 668 on Debian)
  awsmfa list                          # the profiles of your ~/.aws/config and credentials
  awsmfa exec PROFILE -- aws sts get-caller-identity   # your role, one MFA code
NEXT
