"""Webhook URLs may not reach into the clinic's own network (server-side request forgery).

Only `https`, except for hosts a setting allows over plain `http` (such as 127.0.0.1 in tests);
no credentials in the URL; and at delivery, the host must resolve to public addresses only,
unless it is one of the allowed hosts.
"""

import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeUrl(ValueError):
    pass


def check_url(url: str, allowed_hosts: list[str]) -> None:
    """Refuse a URL a subscription may not have (raises `UnsafeUrl` with the reason)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host:
        raise UnsafeUrl("The URL has no host.")
    if parts.username or parts.password:
        raise UnsafeUrl("The URL may not carry credentials; sign with the webhook secret.")
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and host in allowed_hosts:
        return
    raise UnsafeUrl("Webhook URLs must use https.")


def check_destination(url: str, allowed_hosts: list[str]) -> None:
    """At delivery time: every address the host resolves to must be public."""
    host = urlsplit(url).hostname or ""
    if host in allowed_hosts:
        return
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except OSError as error:
        raise UnsafeUrl(f"The host {host!r} does not resolve.") from error
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise UnsafeUrl(f"The host {host!r} resolves to a non-public address.")
