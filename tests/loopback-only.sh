#!/bin/sh
# Run "$@" in a network namespace of its own that holds only loopback (127.0.0.0/8, ::1):
# a test process that reaches for any other address (an SDK falling through to the
# instance metadata service at 169.254.169.254, a public endpoint, a proxy) gets
# ENETUNREACH at once instead of a connection. `make test` runs pytest through it;
# tests/e2e/test_loopback_only.py fails when the suite runs anywhere else.
set -eu
lo_up='ip link set lo up && exec "$@"'
if [ "$(id -u)" = 0 ]; then
  exec unshare --net -- sh -c "$lo_up" sh "$@"
fi
# Without root: a user namespace to bring lo up in, then one that maps back to our own uid
# and gid, so the tests run as who they are.
exec unshare --map-root-user --net -- sh -c \
  "ip link set lo up && exec unshare --user --map-user=$(id -u) --map-group=$(id -g) -- \"\$@\"" \
  sh "$@"
