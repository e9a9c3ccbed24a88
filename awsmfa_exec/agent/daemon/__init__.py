"""What only the agent's own process runs: `process` (bind, detach, serve, exit when idle)
and `get` (the answer to a client's `get`). Clients never import this package: they speak
`agent/protocol.py` through `agent/client.py`."""
