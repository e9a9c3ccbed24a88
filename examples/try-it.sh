#!/usr/bin/env bash
# Try awsmfa with no AWS account: a moto STS server on 127.0.0.1, a throwaway config with
# example keys, and `awsmfa exec dev -- aws sts get-caller-identity`.
set -euo pipefail

workdir=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null; rm -rf "$workdir"' EXIT

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
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWSMFA_AGENT=off
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CA_BUNDLE
for _ in $(seq 100); do  # wait up to 10 s for moto to listen
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  sleep 0.1
done

echo "== before: the landing account's long-term keys"
AWS_PROFILE=landing aws sts get-caller-identity
echo "== after: awsmfa exec dev -t 123456 -- aws sts get-caller-identity"
awsmfa exec dev -t 123456 -- aws sts get-caller-identity
