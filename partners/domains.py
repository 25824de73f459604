"""Domain names of partners and the host a link really opens.

Matching is by host name only: a partner's domain matches itself and its
subdomains (shop.partner.com), never look-alikes (evil-partner.com,
partner.com.evil.net). Hosts are read the way a browser reads them, so an
author cannot hide a partner link behind spelling tricks.
"""

import re
from urllib.parse import unquote

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Browsers drop tabs and newlines anywhere in a URL and read "\" as "/".
_IGNORED_IN_URLS = str.maketrans("", "", "\t\n\r")
_AUTHORITY_END = re.compile(r"[/?#]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def normalize_host(host):
    """The ASCII (punycode), lower-case form of a host name, without a trailing dot."""
    host = host.strip().rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def normalize_domain(text):
    """A partner domain as stored and matched; ValueError if it is not a domain name.

    A leading "www." is dropped so that "www.partner.com" also covers
    partner.com and its other subdomains.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("Enter a domain name.")
    if re.search(r"[\s/:@?#\\]", raw):
        raise ValueError(
            f"“{raw}” is not a domain name: enter only the domain, such as partner.com, "
            "without https:// or a path."
        )
    domain = normalize_host(raw)
    labels = domain.split(".")
    if (
        len(domain) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValueError(f"“{raw}” is not a valid domain name (for example partner.com).")
    if labels[0] == "www" and len(labels) > 2:
        domain = ".".join(labels[1:])
    return domain


def split_domains(text):
    """The entries of a domains field: one per line or separated by commas."""
    return [part.strip() for part in re.split(r"[,\n]", text or "") if part.strip()]


def host_matches(host, domain):
    """True if `host` is `domain` or one of its subdomains."""
    return host == domain or host.endswith("." + domain)


def link_host(href):
    """The normalized host an http(s) link opens, or "" for any other link.

    Follows the browser's reading of special URLs: backslashes count as
    slashes, any number of slashes may follow the scheme, "//host" is
    protocol-relative, and percent-escapes in the host are decoded.
    """
    url = href.strip(_C0_AND_SPACE)
    url = url.translate(_IGNORED_IN_URLS).replace("\\", "/")
    scheme, colon, rest = url.partition(":")
    if colon and scheme.lower() in {"http", "https"}:
        after_scheme = rest
    elif url.startswith("//"):
        after_scheme = url
    else:
        return ""
    authority = _AUTHORITY_END.split(after_scheme.lstrip("/"), maxsplit=1)[0]
    host = authority.rpartition("@")[2]
    if host.startswith("["):
        return ""  # an IPv6 literal is never a partner's domain
    return normalize_host(unquote(host.partition(":")[0]))
