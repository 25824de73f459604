"""What a benchmark run leaves behind, removed when it ends: its keys in the shared
Redis database and its working directory (all but the gunicorn log it names)."""

import re
import shutil
from pathlib import Path

import redis


def forget_cache_keys(cache_url, *prefixes):
    """Delete the keys Django's cache stored under each KEY_PREFIX in `prefixes`
    (Django writes "<prefix>:<version>:<key>") from the Redis at `cache_url`;
    returns how many went. Other keys in that database are not touched."""
    client = redis.Redis.from_url(cache_url)
    try:
        gone = 0
        for prefix in prefixes:
            names = list(client.scan_iter(match=f"{_literal(prefix)}:*", count=1000))
            for start in range(0, len(names), 1000):
                gone += client.delete(*names[start : start + 1000])
        return gone
    finally:
        client.close()


def _literal(text):
    """`text` as a SCAN pattern matching itself only: * ? [ ] and \\ are Redis wildcards."""
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


def keep_only(workdir, *kept):
    """Remove everything in `workdir` except the files named in `kept`."""
    for entry in Path(workdir).iterdir():
        if entry.name in kept:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
