"""`awsmfa exec PROFILE --server -- COMMAND`: credentials that refresh themselves.

awsmfa stays as COMMAND's parent and serves the profile's credentials on a loopback
container-credentials endpoint; every AWS SDK in COMMAND fetches them from there and asks
again before they expire.

- `refresh.py`: the `Refresher`: the first credentials and fresh ones near expiry, by `obtain`.
- `http_server.py`: the HTTP endpoint on 127.0.0.1 and its token check.
- `intake.py`: its front door: accepts connections, bounds idle ones, reads request heads.
- `views.py`: the AWS files as the command sees them, without the default profile's keys.
- `child.py`: the child process: spawn, signal forwarding, exit status, clean-up.
- `run.py`: the command itself, tying them together.
"""
