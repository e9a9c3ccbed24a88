"""A tiny container-credentials client, run inside `awsmfa exec --server` by the tests.

    python container_client.py [--token right|wrong|none] [--times N]

Asks the endpoint in AWS_CONTAINER_CREDENTIALS_FULL_URI N times and prints one line per
answer: the HTTP status and the access key id (or the error code), never a secret;
`unreachable` when nothing listens.
"""

from __future__ import annotations

import argparse
import json
import os
import urllib.error
import urllib.request


def ask(url: str, token: str | None) -> str:
    headers = {} if token is None else {"Authorization": token}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = json.load(answer)
            return f"{answer.status} {body['AccessKeyId']} {body['Expiration']}"
    except urllib.error.HTTPError as exc:
        body = json.load(exc)
        return f"{exc.code} {body['code']} {body['message']}"
    except urllib.error.URLError as exc:
        return f"unreachable {type(exc.reason).__name__}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", choices=["right", "wrong", "none"], default="right")
    parser.add_argument("--times", type=int, default=1)
    args = parser.parse_args()
    url = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
    right = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    token = {"right": right, "wrong": right[:-1] + "x", "none": None}[args.token]
    for _ in range(args.times):
        print(ask(url, token), flush=True)


if __name__ == "__main__":
    main()
