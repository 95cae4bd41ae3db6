"""Who is on the other end of a request: the client's address and scheme, as the service sees
them directly or, behind reverse proxies (BEHIND_PROXY=true), as the nearest trusted proxy
wrote them. Rate limits, login throttling and the cookie's Secure flag depend on these."""

from __future__ import annotations

from aiohttp import web

from helpdesk.web.keys import SETTINGS


def _forwarded(request: web.Request, header: str) -> str | None:
    """The value our own proxies wrote: the entry TRUSTED_PROXIES from the right. Entries left
    of it were written by the client (or by proxies we do not run) and prove nothing."""
    settings = request.app[SETTINGS]
    entries = [
        entry.strip() for entry in request.headers.get(header, "").split(",") if entry.strip()
    ]
    if not settings.behind_proxy or not entries:
        return None
    return (
        entries[-settings.trusted_proxies]
        if len(entries) >= settings.trusted_proxies
        else entries[0]
    )


def client_address(request: web.Request) -> str:
    """The shopper's or agent's address."""
    return _forwarded(request, "X-Forwarded-For") or request.remote or "unknown"


def client_scheme(request: web.Request) -> str:
    """http or https, as the browser reached us (TLS often ends at the proxy)."""
    forwarded = (_forwarded(request, "X-Forwarded-Proto") or "").lower()
    return forwarded if forwarded in ("http", "https") else request.scheme


def over_https(request: web.Request) -> bool:
    return client_scheme(request) == "https" or request.app[SETTINGS].base_url.startswith(
        "https://"
    )
