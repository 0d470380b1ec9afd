"""Webhook URLs may not reach into the clinic's own network (server-side request forgery).

Only `https`, except for hosts a setting allows over plain `http` (such as 127.0.0.1 in tests);
no credentials in the URL; and at delivery, the host must resolve to public addresses only,
unless it is one of the allowed hosts. The delivery then connects to one of the addresses that
were checked: were the HTTP client to look the name up again, a name server could answer it
with a private address the second time (DNS rebinding). Through an egress proxy of the
environment (`HTTPS_PROXY`, `ALL_PROXY`, less `NO_PROXY`), the proxy connects by name, and
refusing private addresses there is the proxy's to do.
"""

import ipaddress
import re
import socket
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx


class UnsafeUrl(ValueError):
    pass


@dataclass(frozen=True)
class Destination:
    """Where a delivery goes: the subscribed URL with its host replaced by each checked
    address, to try in turn as a client tries a name's addresses, and the host name kept for
    the `Host` header and for TLS (the name the server's certificate must carry). An allowed
    or proxied host is left as subscribed."""

    urls: tuple[str, ...]
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)


def check_url(url: str, allowed_hosts: list[str]) -> None:
    """Refuse a URL a subscription may not have (raises `UnsafeUrl` with the reason)."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises unless a number from 0 to 65535
        raw_host = httpx.URL(url).raw_host.decode("ascii")
    except (ValueError, httpx.InvalidURL) as error:
        raise UnsafeUrl(f"The URL is not valid: {error}.") from error
    host = parts.hostname or ""
    if not host:
        raise UnsafeUrl("The URL has no host.")
    if port == 0 or not _is_host(raw_host):
        raise UnsafeUrl("The URL is not valid: its host or port cannot be reached.")
    if parts.username or parts.password:
        raise UnsafeUrl("The URL may not carry credentials; sign with the webhook secret.")
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and host in allowed_hosts:
        return
    raise UnsafeUrl("Webhook URLs must use https.")


_HOST_NAME = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?", re.I)


def _is_host(raw_host: str) -> bool:
    """A host name (IDNA-encoded) or an IP address."""
    try:
        ipaddress.ip_address(raw_host)
    except ValueError:
        return _HOST_NAME.fullmatch(raw_host) is not None
    return True


def addresses_of(host: str) -> list[str]:
    """The host's addresses, in the resolver's order of preference."""
    found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def check_destination(
    url: str, allowed_hosts: list[str], resolve: Callable[[str], list[str]] = addresses_of
) -> Destination:
    """At delivery time: every address the host resolves to must be public, and the delivery
    goes to those addresses only (one lookup)."""
    subscribed = httpx.URL(url)
    if subscribed.host in allowed_hosts:
        return Destination((url,))
    host = subscribed.raw_host.decode("ascii")
    try:
        addresses = resolve(host)
    except OSError as error:
        raise UnsafeUrl(f"The host {host!r} does not resolve.") from error
    if not addresses:
        raise UnsafeUrl(f"The host {host!r} does not resolve.")
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise UnsafeUrl(f"The host {host!r} resolves to a non-public address.")
    if through_proxy(url):
        return Destination((url,))
    return Destination(
        urls=tuple(str(subscribed.copy_with(host=address)) for address in addresses),
        headers={"Host": subscribed.netloc.decode("ascii")},
        extensions={"sni_hostname": host},
    )


def through_proxy(url: str) -> bool:
    """Whether the environment sends `url` through a proxy, as the HTTP client will."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    if not (proxies.get(parts.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(parts.hostname or "")
