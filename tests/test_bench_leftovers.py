"""A benchmark run removes what it left: its own Redis keys (and no one else's), and
its working files but the log it names."""

import secrets

import redis

from bench.leftovers import forget_cache_keys, keep_only

# The shared Redis, in a database the site's own settings never use; keys of this
# test only, under a prefix made for it.
CACHE_URL = "redis://127.0.0.1:6379/14"


def test_a_runs_keys_go_and_other_keys_in_that_database_stay():
    ours, theirs = f"bench-{secrets.token_hex(4)}", f"site-{secrets.token_hex(4)}"
    client = redis.Redis.from_url(CACHE_URL)
    try:
        for number in range(2500):  # more than one batch of deletes
            client.set(f"{ours}:1:page-{number}", b"x")
        client.set(f"{ours}-wagtail:1:page", b"x")
        client.set(f"{theirs}:1:page", b"x")
        client.set(f"{ours}x:1:page", b"x")  # another prefix that starts like ours

        gone = forget_cache_keys(CACHE_URL, ours, f"{ours}-wagtail")

        assert gone == 2501
        assert not list(client.scan_iter(match=f"{ours}:*"))
        assert client.get(f"{ours}-wagtail:1:page") is None
        assert client.get(f"{theirs}:1:page") == b"x"
        assert client.get(f"{ours}x:1:page") == b"x"
    finally:
        client.delete(f"{theirs}:1:page", f"{ours}x:1:page")
        client.close()


def test_the_working_directory_keeps_only_the_log(tmp_path):
    (tmp_path / "gunicorn.log").write_text("the run's log")
    (tmp_path / "bench.sqlite3").write_bytes(b"\0" * 10)
    (tmp_path / "limit").mkdir()
    (tmp_path / "limit" / "article.html").write_text("<html>")

    keep_only(tmp_path, "gunicorn.log")

    assert [p.name for p in tmp_path.iterdir()] == ["gunicorn.log"]
    assert (tmp_path / "gunicorn.log").read_text() == "the run's log"


def test_a_prefix_holding_glob_characters_names_only_itself():
    # Redis reads * ? [ ] and \ in a SCAN pattern as wildcards: taken literally here.
    base = f"bench-{secrets.token_hex(4)}"
    client = redis.Redis.from_url(CACHE_URL)
    others = [f"{base}-a:1:page", f"{base}-anything:1:page", f"{base}-\\:1:page"]
    try:
        for name in [*others, f"{base}-[a]*?\\:1:page"]:
            client.set(name, b"x")

        assert forget_cache_keys(CACHE_URL, f"{base}-[a]*?\\") == 1

        assert client.get(f"{base}-[a]*?\\:1:page") is None
        assert [client.get(name) for name in others] == [b"x"] * 3
    finally:
        client.delete(*others)
        client.close()
