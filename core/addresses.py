"""The address a comment came from, as the site stores it."""

import ipaddress


def stored_ip(value: str) -> str | None:
    """Return `value` as a normalised IP address, or None when it is not one."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
