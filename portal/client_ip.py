"""The address of the person at the other end, read the way the deployment guide's proxy
sets it (docs/deployment.md, "Proxy").

nginx's `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for` appends the address
it saw to whatever `X-Forwarded-For` the client sent. So only the right-most entries, one per
proxy of our own, can be trusted; anything to their left was typed by the client. With
`TRUSTED_PROXY_COUNT = n` the client is the n-th entry from the right; with 0 (no proxy)
it is the connecting address, and `X-Forwarded-For` is ignored.

`X-Forwarded-For` is read only from a connection that comes from our own network
(`TRUSTED_PROXY_NETWORKS`, by default loopback and the private ranges): an app server that is
reachable from the internet by mistake then still counts the connecting address, and a client
cannot make up its own address by sending the header straight to it.

django-axes uses this (`AXES_CLIENT_IP_CALLABLE`) for its lockouts, so behind the proxy
five wrong passwords lock that client, not the proxy's address and with it everyone.
"""

import ipaddress

from django.conf import settings


def _address(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def from_our_proxy(remote: str | None) -> bool:
    try:
        address = ipaddress.ip_address(remote or "")
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.TRUSTED_PROXY_NETWORKS
    )


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0 or not from_our_proxy(remote):
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Not through all our proxies (a direct connection to the app server): the
        # connecting address is the only one we know.
        return remote
    return _address(forwarded[-proxies]) or remote
