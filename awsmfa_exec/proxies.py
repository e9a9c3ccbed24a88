"""Which proxy an HTTP request of awsmfa goes through: never one, to loopback.

urllib and botocore send loopback requests through `http_proxy`/`all_proxy` unless
`no_proxy` says otherwise, and anyone may run that proxy: STS, IAM, the `exec --server`
endpoint and a sign-in endpoint on this machine are asked directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import urllib.request


def loopback(url: str) -> bool:
    """Whether `url` names this machine: localhost, 127.0.0.0/8 or ::1."""
    import ipaddress
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def proxies_for(url: str | None, environ: Mapping[str, str]) -> dict[str, str] | None:
    """botocore's proxies for `url` from `environ`: none to loopback (an empty dict, which
    botocore takes as is); None leaves them to botocore's own environment."""
    if url and loopback(url):
        return {}
    found = {
        scheme: value
        for scheme in ("http", "https")
        if (value := environ.get(f"{scheme.upper()}_PROXY") or environ.get(f"{scheme}_proxy"))
    }
    return found or None


def urlopen(request: urllib.request.Request, timeout: float) -> IO[bytes]:
    """`urllib.request.urlopen`, past every proxy when the request is for loopback."""
    import urllib.request

    handlers = [urllib.request.ProxyHandler({})] if loopback(request.full_url) else []
    return urllib.request.build_opener(*handlers).open(request, timeout=timeout)  # type: ignore[no-any-return]
