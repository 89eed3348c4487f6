"""Security headers on every response, set in one place.

The Content-Security-Policy allows only this site's own scripts, styles, images and fonts (every
asset is served by the app), plus the one inline script of the GOV.UK page template, by its hash.
Responses that are not static assets get `Cache-Control: no-store`: pages and API answers may show
personal data, and a shared or back-button cache must not keep them.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

STATIC_PREFIXES = ("/assets/", "/static/")


def inline_script_hashes(template: Path) -> list[str]:
    """CSP sources ('sha256-...') for the inline scripts of a page template."""
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", template.read_text(encoding="utf-8"), flags=re.S)
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in scripts
        if body.strip()
    ]


class SecurityHeaders:
    """Adds the security headers to each response of a request (unless a route set one itself)."""

    def __init__(self, *, script_hashes: list[str], relaxed_style_paths: tuple[str, ...] = ()) -> None:
        scripts = " ".join(["'self'", *script_hashes])
        policy = (
            "default-src 'self'; script-src {scripts}; style-src {styles}; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )
        self._policy = policy.format(scripts=scripts, styles="'self'").encode()
        # Swagger UI sets style attributes from its script; nothing else needs inline styles.
        self._relaxed_policy = policy.format(scripts=scripts, styles="'self' 'unsafe-inline'").encode()
        self._relaxed_paths = relaxed_style_paths
        self._common = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),  # URLs can carry a CRN in a search
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        ]

    def headers_for(self, scope: MutableMapping[str, Any]) -> list[tuple[bytes, bytes]]:
        """The headers a response to `scope` gets."""
        path = scope["path"]
        policy = self._relaxed_policy if path in self._relaxed_paths else self._policy
        headers = [(b"content-security-policy", policy), *self._common]
        if not path.startswith(STATIC_PREFIXES):
            headers.append((b"cache-control", b"no-store"))
        if scope.get("scheme") == "https":
            headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        return headers

    def wrap(self, scope: MutableMapping[str, Any], send: Send) -> Send:
        """`send`, adding the headers to the response start."""
        extra = self.headers_for(scope)

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
            await send(message)

        return send_with_headers
