"""One mailbox is one mailbox: how an address is stored, and which mailbox it
reaches for the caps on mail (subscriptions.MAILS_PER_ADDRESS).

Stored: trimmed, lower-cased, a quoted local part without its quotes
(`"victim"@x` is `victim@x`). Refused: an IP address for a domain
(`victim@[127.0.0.1]`) and a quoted local part that needs its quotes. The
mailbox: the stored address without a sub-address (`victim+news@x` reaches
`victim@x`) and, at Gmail, without dots in the local part; the domain in
ASCII (IDNA).
"""

import re

from django.core.exceptions import ValidationError

# RFC 5322 dot-atom: what a local part may be without quotes (as Django's validator).
_DOT_ATOM = re.compile(r"[-!#$%&'*+/=?^_`{}|~0-9a-z]+(\.[-!#$%&'*+/=?^_`{}|~0-9a-z]+)*\Z")
_DOTS_IGNORED = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def stored_address(email):
    """The address as kept and mailed; ValidationError for one we don't mail."""
    local, _, domain = email.strip().lower().rpartition("@")
    if domain.startswith("["):
        raise ValidationError("Enter an address with a domain name, not an IP address.")
    if len(local) >= 2 and local[0] == local[-1] == '"':
        local = local[1:-1]
        if not _DOT_ATOM.match(local):
            raise ValidationError("Enter an address without quotation marks.")
    return f"{local}@{domain}"


def mailbox(email):
    """The mailbox a stored address reaches, for per-mailbox caps."""
    local, _, domain = stored_address(email).rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    local = local.split("+", 1)[0]
    if domain in _DOTS_IGNORED:
        local, domain = local.replace(".", ""), _DOTS_IGNORED[domain]
    return f"{local}@{domain}"
