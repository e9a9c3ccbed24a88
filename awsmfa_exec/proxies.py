"""Which proxy an HTTP request of awsmfa goes through: never one, to loopback.

A proxy named in `http_proxy`, `https_proxy` or `all_proxy` may be run by anyone; urllib
and botocore send loopback requests through it unless `no_proxy` says otherwise. Every
request awsmfa makes (STS, IAM, the `exec --server` endpoint, a sign-in endpoint) decides
here, so the credentials, tokens and codes meant for a local endpoint stay on loopback.
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
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def proxies_for(url: str | None, environ: Mapping[str, str]) -> dict[str, str] | None:
    """The proxies botocore is to use for `url`, from `environ`: none for loopback (an
    empty dict, which botocore takes as is); None to let botocore read its own environment."""
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
    answer: IO[bytes] = urllib.request.build_opener(*handlers).open(request, timeout=timeout)
    return answer
