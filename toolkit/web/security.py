"""What keeps the web app safe to put on the internet: security headers on every response
(a strict Content-Security-Policy with no inline script), a limit on the size of requests,
CSRF tokens on every form, and per-address rate limits."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Nothing but this site's own files: no inline script or style, no frames, no plugins; a
# preview drawn by the page's script is a blob.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:;"
    " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]
CSRF_COOKIE = "unionkit_csrf"
CSRF_FIELD = "csrf"


class SecurityHeaders:
    """Adds the security headers to every HTTP response (errors included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers += [(name, value) for name, value in HEADERS if name not in names]
                if scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class _Watched:
    """An ASGI `send` that notes whether the response has started: after that, no other
    answer can be sent in its place."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self.send(message)


class QuietErrors:
    """Answers a failure with `respond` (a short page) and logs only what failed and where:
    the exception's type and the line of unionkit's code it came from, never its message or
    its values, which may hold what a visitor typed (a database error quotes the row it could
    not write, email address and all). Starlette would pass the whole traceback to the
    server's log."""

    def __init__(self, app: ASGIApp, respond: ASGIApp) -> None:
        self.app = app
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watched = _Watched(send)
        try:
            await self.app(scope, receive, watched)
        except Exception as exc:  # noqa: BLE001 - every failure is answered, none is quoted
            logging.getLogger("unionkit.web").error(
                "a request failed: %s at %s", type(exc).__name__, failed_at(exc)
            )
            if not watched.started:
                await self.respond(scope, receive, send)


def failed_at(exc: BaseException) -> str:
    """Where an exception was raised in unionkit's own code (file:line), else its innermost
    frame: enough to find the fault, nothing of the data."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/toolkit/" in f.filename.replace("\\", "/")]
    if not (ours or frames):
        return "an unknown place"
    frame = (ours or frames)[-1]
    name = frame.filename.replace("\\", "/")
    short = name[name.rfind("/toolkit/") + 1 :] if "/toolkit/" in name else name.rsplit("/", 1)[-1]
    return f"{short}:{frame.lineno}"


class BodyTooLarge(Exception):
    """A request's body is larger than the app takes."""


class BodyLimit:
    """Refuses a request whose body is larger than `limit` bytes: by its Content-Length at
    once, and by counting what arrives when it has none (chunked)."""

    def __init__(self, app: ASGIApp, limit: int, refuse: ASGIApp) -> None:
        self.app = app
        self.limit = limit
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1
                if declared > self.limit:
                    await self.refuse(scope, receive, send)
                    return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        watched = _Watched(send)
        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not watched.started:
                await self.refuse(scope, receive, send)


class Csrf:
    """CSRF tokens: each browser gets a random value in an HTTP-only, SameSite=Strict cookie,
    and every form carries its HMAC under the server's secret; a POST must bring both, and
    must not come from another site (`Sec-Fetch-Site`)."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def token(self, cookie: str) -> str:
        return hmac.new(self.secret, cookie.encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(32)

    def valid(self, cookie: str | None, token: str | None, fetch_site: str | None) -> bool:
        if fetch_site not in (None, "same-origin", "none"):
            return False
        if not cookie or not token or len(cookie) > 100 or len(token) > 100:
            return False
        return hmac.compare_digest(self.token(cookie), token)


class RateLimiter:
    """A token bucket per key (a visitor's address): `burst` at once, then `per_minute`.
    Remembers the most recent `keys` addresses only, so a flood cannot fill the memory."""

    def __init__(self, per_minute: float, burst: int, keys: int = 10_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.keys = keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Whether `key` may do one more; counts it if so."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, then = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            self._buckets.move_to_end(key)
            while len(self._buckets) > self.keys:
                self._buckets.popitem(last=False)
            return allowed
