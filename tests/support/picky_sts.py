"""The strict STS double, except that it also refuses the MFA code 000000 as AWS does.

Run as `python -m tests.support.picky_sts`: prints `PORT <n>` once it listens on 127.0.0.1.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from urllib.parse import parse_qs

from tests.support import moto_sts
from tests.support.moto_sts import Environ, StartResponse
from tests.support.strict_sts import StrictApp

WRONG_CODE = "000000"
REFUSAL = b"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code>
  <Message>MultiFactorAuthentication failed with invalid MFA one time pass code.</Message>
  </Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>"""


class PickyApp(StrictApp):
    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        form = parse_qs(raw.decode("utf-8", "replace"))
        if form.get("TokenCode") == [WRONG_CODE]:
            with self.lock:
                self.calls.append(form.get("Action", [""])[0] + " refused")
            start_response("403 Forbidden", [("Content-Type", "text/xml")])
            return [REFUSAL]
        return super().__call__(environ, start_response)


if __name__ == "__main__":
    moto_sts.main(PickyApp)
