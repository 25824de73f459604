"""Two processes race on PostgreSQL through the real write paths (the admin's
change form, the workflow actions, the import), one random pair of actions
per article: no update may be lost, and the audit log must explain the final
state of every article exactly.

Every worker leaves with os._exit after sending its results, the parent joins
them with a timeout and kills what is left, and the race is bounded by
RACE_SECONDS (default 300): a stuck worker fails the test, never hangs it.

Run it alone (about 30-60 s):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mesoguide_wt11b \\
    CACHE_URL=redis://127.0.0.1:6379/10 \\
    RACE_PAIRS=200 .venv/bin/python -m pytest -q tests/test_race.py
"""

import multiprocessing
import os
import queue
import random
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.content_import import import_content
from articles.models import Article, ReviewEvent, Revision, Status, Topic
from articles.roles import sync_groups
from mesoguide import time_limit
from tests import factories

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="races between processes need row locks; SQLite locks the whole file (runs in CI's PostgreSQL pass)",
)
pytestmark = [on_postgres, pytest.mark.django_db(transaction=True)]

PAIRS = int(os.environ.get("RACE_PAIRS", "200"))
# The whole race (not its setup) is bounded: after this many seconds the
# workers are killed and the test fails instead of hanging CI.
SECONDS = float(os.environ.get("RACE_SECONDS", "300"))
ACTIONS = (
    "form_save",
    "text_save",
    "publish",
    "unpublish",
    "archive",
    "schedule",
    "topic_change",
    "import",
)
# What each action leaves in the audit log when it succeeds (actor: the worker's user).
EXPECTED_EVENTS = {
    "form_save": {"change_placement"},
    "text_save": {"edit"},
    "publish": {"publish"},
    "unpublish": {"unpublish"},
    "archive": {"archive"},
    "schedule": {"schedule"},
    "topic_change": {"change_placement"},
    "import": {"import", "publish_without_review"},
}
PUBLISHING = {"publish", "publish_without_review", "go_live"}
ARTICLE_FILE = """---
title: Imported {n}
slug: {slug}
summary: Imported summary.
topic: {topic}
author: editorial-team
status: published
order: {order}
---
## Imported

Imported text {n}.
"""


def named_user(username, role):
    user = get_user_model().objects.create_user(
        username, password="pw", is_staff=True, first_name=username, last_name="Racer"
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def form_data(article_id, editor):
    """What the change form holds when opened now, as a browser would post it back
    (tests/test_stale_writes.py opens it with a GET; here the race needs speed)."""
    article = Article.objects.select_related("latest_revision").get(pk=article_id)
    latest = article.latest_revision
    data = {
        "title": latest.title,
        "summary": latest.summary,
        "body": latest.body,
        "based_on": latest.pk,
        "opened_version": article.version,
        "chosen_related-TOTAL_FORMS": "0",
        "chosen_related-INITIAL_FORMS": "0",
        "_continue": "1",
    }
    fields = workflow.PLACEMENT_FIELDS if editor else ()  # read-only for writers once live
    for name in fields:
        value = getattr(article, Article._meta.get_field(name).attname)
        data[name] = "" if value is None else value  # as a browser posts an empty choice
    return data


def perform(worker, pair, action, article_id, users, clients, folder, barrier):
    """Open what the action starts from, wait for the other process, act.
    Returns "done", "stale" (the other process changed the article first) or
    "not allowed" (in the state the other process left, e.g. unpublishing an
    archived article)."""
    seen = Article.objects.get(pk=article_id).version  # the page the person has open
    if action in ("form_save", "text_save", "topic_change"):
        client = clients["writer" if action == "text_save" else "editor"]
        data = form_data(article_id, editor=action != "text_save")
        if action == "form_save":
            data["order"] = 100 + 2 * pair + worker
        elif action == "text_save":
            data["body"] = f"Text of worker {worker} in pair {pair}."
        else:
            data["topic"] = Topic.objects.get(slug=f"race-topic-{worker}").pk
    elif action == "import":
        article = Article.objects.select_related("topic").get(pk=article_id)
        path = folder / "articles" / f"{article.slug}-{worker}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            ARTICLE_FILE.format(
                n=f"{pair}-{worker}", slug=article.slug, topic=article.topic.slug, order=0
            )
        )
    barrier.wait()
    time.sleep(random.random() / 500)  # noqa: S311 (0-2 ms: vary who gets the lock first)
    editor = users["editor"]
    try:
        if action in ("form_save", "text_save", "topic_change"):
            url = reverse("admin:articles_article_change", args=[article_id])
            response = client.post(url, data)
            return "done" if response.status_code == 302 else "stale"  # 200: conflict screen
        article = Article(pk=article_id)
        if action == "publish":
            workflow.publish(article, user=editor, expected_version=seen)
        elif action == "schedule":
            at = timezone.now() + timezone.timedelta(hours=1)
            workflow.publish(article, user=editor, at=at, expected_version=seen)
        elif action == "unpublish":
            workflow.unpublish(article, user=editor, expected_version=seen)
        elif action == "archive":
            workflow.archive(article, user=editor, expected_version=seen)
        elif action == "import":
            import_content([path], force=True, publish_live=True, operator="race")
        return "done"
    except workflow.ChangedSinceOpened:
        return "stale"
    except workflow.WorkflowError:
        return "not allowed"


def run_worker(worker, plan, barrier, results, folder):
    """The body of a forked worker. It always leaves with os._exit once its
    results are sent: a normal exit would run the handlers and finalizers it
    inherited from pytest (and wait on children it never started), which is how
    a worker once stayed alive after answering and the run hung."""
    code = 0
    try:
        results.put((worker, _run_worker(worker, plan, barrier, folder)))
    except BaseException:
        import traceback

        code = 1
        barrier.abort()  # the other worker must not wait for us
        results.put((worker, traceback.format_exc()))
    finally:
        try:
            connections.close_all()
            time_limit._stop_child()  # the Markdown child this worker started, if any
            results.close()
            results.join_thread()  # the results are in the pipe before we go
        finally:
            os._exit(code)


def _run_worker(worker, plan, barrier, folder):
    connections.close_all()  # a connection of our own, not the parent's
    random.seed(worker * 7919)
    names = ("editor", "writer")
    users = {name: get_user_model().objects.get(username=f"{name}-{worker}") for name in names}
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    done = []
    for pair, (article_id, actions) in enumerate(plan):
        action = actions[worker]
        began = time.monotonic()
        ok = perform(worker, pair, action, article_id, users, clients, folder, barrier)
        done.append((article_id, action, ok, time.monotonic() - began))
    return done


def collect(workers, results, deadline):
    """Each worker's results, waiting until `deadline` (time.monotonic()) at most;
    then every worker is joined, and one still alive is killed, so the test
    ends within its bound whatever a worker does."""
    outcomes = {}
    try:
        while len(outcomes) < len(workers):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                worker, outcome = results.get(timeout=min(left, 5))
            except queue.Empty:
                if not any(p.is_alive() for p in workers) and results.empty():
                    break  # every worker is gone without answering
                continue
            outcomes[worker] = outcome
    finally:
        for process in workers:
            process.join(timeout=max(0.1, min(10, deadline - time.monotonic())))
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
    return outcomes


def replay(article, events):
    """The state the audit log says the article is in."""
    state = {
        "status": Status.PUBLISHED,
        "live": article["initial_live"],
        "latest": article["initial_latest"],
        "scheduled": None,
        "order": 0,
        "topic": article["initial_topic"],
    }
    for event in events:
        if event.action in PUBLISHING or (
            event.action == "schedule" and event.to_state == Status.PUBLISHED
        ):
            state.update(status=Status.PUBLISHED, live=event.revision_id, scheduled=None)
        elif event.action == "schedule":
            state["scheduled"] = event.revision_id
        elif event.action in ("unpublish", "archive"):
            state.update(status=event.to_state, scheduled=None)
        elif event.action in ("edit", "import"):
            state["latest"] = event.revision_id
        elif event.action == "change_placement":
            for part in event.note.split("; "):
                field, change = part.split(": ", 1)
                new = change.split(" → ")[1]
                state[{"position": "order", "topic": "topic"}[field]] = (
                    int(new) if field == "position" else new
                )
    return state


def set_up(pairs, rng):
    """One live article per pair, with an approved revision waiting, and the pair of
    actions. Written in bulk (no signals, one commit): the race is what is measured."""
    now = timezone.now()
    colleague, author = factories.colleague(), factories.person()
    topics = Topic.objects.bulk_create(
        Topic(slug=f"race-home-{n}", title=f"Race home {n}", order=1000 + n) for n in range(pairs)
    )
    made = Article.objects.bulk_create(
        Article(
            slug=f"race-{n}",
            topic=topic,  # a topic each: a change refreshes its topic's pages
            author=author,
            status=Status.PUBLISHED,
            publish_at=now - timezone.timedelta(days=1),
            first_published_at=now - timezone.timedelta(days=1),
            last_published_at=now - timezone.timedelta(days=1),
            last_reviewed_at=now - timezone.timedelta(days=1),
        )
        for n, topic in enumerate(topics)
    )
    live, waiting = [], []
    for n, article in enumerate(made):
        common = {"article": article, "summary": "s", "approved_by": colleague, "approved_at": now}
        live.append(
            Revision(
                number=1,
                title=f"Race {n}",
                body="v1",
                body_html="<p>v1</p>",
                state="published",
                published_at=now,
                **common,
            )
        )
        waiting.append(
            Revision(
                number=2,
                title=f"Race {n} v2",
                body="v2",
                body_html="<p>v2</p>",
                state="approved",
                **common,
            )
        )
    Revision.objects.bulk_create(live + waiting)
    for article, first, second in zip(made, live, waiting, strict=True):
        article.live_revision, article.latest_revision = first, second
    Article.objects.bulk_update(made, ["live_revision", "latest_revision"])
    plan, articles = [], {}
    for article, first, second, topic in zip(made, live, waiting, topics, strict=True):
        articles[article.pk] = {
            "initial_live": first.pk,
            "initial_latest": second.pk,
            "initial_topic": topic.title,
            "first_event": 0,
        }
        plan.append((article.pk, (rng.choice(ACTIONS), rng.choice(ACTIONS))))
    return plan, articles


def test_two_processes_lose_no_update_and_the_log_explains_every_final_state(tmp_path):
    sync_groups(Group, Permission)  # a flushed transactional database has no roles
    for worker in (0, 1):
        named_user(f"editor-{worker}", workflow.EDITOR)
        named_user(f"writer-{worker}", workflow.WRITER)
        factories.topic(slug=f"race-topic-{worker}", title=f"Race topic {worker}")
    rng = random.Random(int(os.environ.get("RACE_SEED", "11")))  # noqa: S311 (repeatable)
    setup_started = time.monotonic()
    with transaction.atomic():  # one commit for the whole setup
        plan, articles = set_up(PAIRS, rng)
    setup_seconds, started = time.monotonic() - setup_started, time.monotonic()
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2, timeout=30), context.Queue()
    connections.close_all()
    workers = [
        context.Process(target=run_worker, args=(w, plan, barrier, results, tmp_path / f"w{w}"))
        for w in (0, 1)
    ]
    for process in workers:
        process.start()
    outcomes = collect(workers, results, deadline=started + SECONDS)
    missing = [w for w in (0, 1) if w not in outcomes]
    assert not missing, (
        f"worker(s) {missing} sent nothing within {SECONDS:g} s "
        f"(exit codes {[p.exitcode for p in workers]}): run fewer pairs or raise RACE_SECONDS"
    )
    crashed = {w: out for w, out in outcomes.items() if isinstance(out, str)}
    assert not crashed, crashed
    assert [p.exitcode for p in workers] == [0, 0]
    elapsed = time.monotonic() - started

    actors = {
        get_user_model().objects.get(username=f"{name}-{w}").pk: (w, name)
        for w in (0, 1)
        for name in ("editor", "writer")
    }
    problems, counts = [], {}
    for pair, (article_id, actions) in enumerate(plan):
        article = Article.objects.select_related("topic").get(pk=article_id)
        events = list(
            ReviewEvent.objects.filter(
                article_id=article_id, id__gt=articles[article_id]["first_event"]
            ).order_by("id")
        )
        # Every successful action is in the log, and a refused one left nothing.
        for worker in (0, 1):
            _, action, outcome, _ = outcomes[worker][pair]
            counts[outcome] = counts.get(outcome, 0) + 1
            ok = outcome == "done"
            if action == "import":
                mine = {e.action for e in events if e.actor_id is None}
            else:
                mine = {e.action for e in events if actors.get(e.actor_id, (None,))[0] == worker}
            if ok and not EXPECTED_EVENTS[action] <= mine:
                problems.append(f"pair {pair}: {action} by {worker} done but logged {mine}")
            if not ok and mine:
                problems.append(f"pair {pair}: {action} by {worker} refused but logged {mine}")
        # The log explains the final state exactly: nothing changed behind its back.
        expected = replay(articles[article_id], events)
        actual = {
            "status": article.status,
            "live": article.live_revision_id,
            "latest": article.latest_revision_id,
            "scheduled": article.scheduled_revision_id,
            "order": article.order,
            "topic": article.topic.title,
        }
        if expected != actual:
            problems.append(f"pair {pair} {actions}: log says {expected}, article is {actual}")
        versions = [e.article_version for e in events]
        if versions != sorted(set(versions)) or (versions and versions[-1] != article.version):
            problems.append(f"pair {pair} {actions}: versions {versions} vs {article.version}")

    timings = {}
    for worker in (0, 1):
        for _, action, _, seconds in outcomes[worker]:
            timings.setdefault(action, []).append(seconds)
    if os.environ.get("RACE_TIMINGS"):
        print({a: round(sum(t) / len(t), 3) for a, t in timings.items()})
    print(
        f"\n{PAIRS} pairs in {elapsed:.1f} s (set up in {setup_seconds:.1f} s); "
        f"of {2 * PAIRS} actions: {counts.get('done', 0)} done, {counts.get('stale', 0)} "
        f"refused as stale, {counts.get('not allowed', 0)} not allowed in the state the "
        f"other left; {len(problems)} lost or unexplained updates"
    )
    assert problems == []
