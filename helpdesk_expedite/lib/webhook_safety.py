"""Where a webhook may post: public HTTPS hosts, or hosts an admin allowed.

A webhook URL is typed by a person and then fetched by the server, so it
must not become a way into the server's own network (loopback, private
ranges, link-local cloud metadata). The check resolves the host and looks
at every address; it runs when the URL is saved and again before each
delivery, since DNS answers can change.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

OK = None
NOT_A_URL = "not_a_url"
NOT_HTTPS = "not_https"
UNRESOLVED = "unresolved"
NOT_PUBLIC = "not_public"


def parse_allowed_hosts(value):
    """Host names or IPs from the comma-separated system parameter."""
    return frozenset(
        host.strip().lower().strip("[]")
        for host in str(value or "").split(",")
        if host.strip()
    )


def resolve(host, port):
    """Every address ``host`` resolves to (raises OSError when it does not)."""
    return {
        info[4][0] for info in socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    }


def is_public_address(address):
    """Whether ``address`` is a globally routable unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return ip.is_global and not ip.is_multicast


def check_url(url, allowed_hosts=frozenset(), resolver=resolve):
    """``(problem, detail)``: problem is ``OK`` (None) or one of the codes
    above; detail names the host or address at fault."""
    if not isinstance(url, str) or len(url.split()) != 1:
        return NOT_A_URL, ""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return NOT_A_URL, ""
    if parts.scheme not in ("http", "https") or not host:
        return NOT_A_URL, ""
    if host in allowed_hosts:
        return OK, host
    if parts.scheme != "https":
        return NOT_HTTPS, host
    try:
        addresses = resolver(host, port)
    except (OSError, UnicodeError):
        return UNRESOLVED, host
    if not addresses:
        return UNRESOLVED, host
    for address in sorted(addresses):
        if not is_public_address(address):
            return NOT_PUBLIC, address
    return OK, host
