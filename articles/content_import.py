"""Import the guide from Markdown files with YAML front matter (content/).

The whole run is checked before anything is written, and written in one
transaction: a bad file stops the run with its name and line, and the database
is left exactly as it was. Text goes in through the workflow module, so an
import follows the same rules as an editor in the admin.
"""

import datetime
import getpass
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from mesoguide.characters import describe, first_unstorable, one_line_message

from . import workflow
from .models import Article, Kind, Person, Status, Topic
from .rendering import MarkdownRefused, render_markdown

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:")
# What a changed file tells readers on the change log when its text replaces live
# text: the summary, and whether the change alters what the article advises.
CHANGE_FIELDS = ("change_summary", "material_change")
DOCUMENT_FIELDS = {
    Kind.ARTICLE: {
        "required": {"title", "slug", "summary", "topic", "author", "status"},
        "optional": {
            "published",
            "updated",
            "order",
            "review_interval_months",
            "image",
            *CHANGE_FIELDS,
        },
    },
    Kind.PAGE: {
        "required": {"title", "slug", "summary", "status"},
        "optional": {
            "author",
            "published",
            "updated",
            "order",
            "review_interval_months",
            "image",
            *CHANGE_FIELDS,
        },
    },
}
PERSON_FIELDS = {"required": {"name", "slug"}, "optional": {"role", "credentials"}}
TOPIC_FIELDS = {"required": {"slug", "title"}, "optional": {"description"}}
# content/images/<slug>.yaml: the details of a picture stored beside it (file:).
IMAGE_FIELDS = {
    "required": {"slug", "title", "file", "credit", "licence"},
    "optional": {"alt", "caption", "decorative"},
}
BOOLEANS = {"decorative"}
# Fields that hold a whole number, and the largest the database column takes.
WHOLE_NUMBERS = {"order": 2_147_483_647, "review_interval_months": 120}
DATES = {"published", "updated"}
YES_OR_NO = {"material_change"}
CHANGE_SUMMARY_CHARS = 300  # Revision.change_summary
# Fields that are one line wherever they are stored (mesoguide/characters.py);
# alt and caption are stored without the line break a YAML block leaves at their end.
ONE_LINE_FIELDS = {"title", "name", "role", "credentials", "change_summary", "credit", "licence"}
ONE_LINE_STRIPPED = {"alt", "caption"}


class ContentError(Exception):
    """A content file that cannot be imported, with the line to look at."""

    def __init__(self, path, line, message):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}")


@dataclass
class SourceFile:
    path: Path
    kind: str
    text: str
    data: object = None
    body: str = ""
    body_line: int = 1
    key_lines: dict = field(default_factory=dict)
    folder: Path = None  # where the file is (an image's picture is beside it)

    @property
    def checksum(self):
        return hashlib.sha256(self.text.encode()).hexdigest()

    def line_of(self, key):
        return self.key_lines.get(key, 1)

    def error(self, key_or_line, message):
        line = key_or_line if isinstance(key_or_line, int) else self.line_of(key_or_line)
        return ContentError(self.path, line, message)


@dataclass
class Outcome:
    result: str  # created, updated, unchanged or refused
    path: Path
    detail: str = ""


# --- Finding and reading files ------------------------------------------------------


def _shown(path):
    """A path as the operator typed it: relative to the working folder when possible."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def _kind_of(path):
    if path.name == "topics.yaml":
        return "topics"
    if path.suffix == ".yaml" and path.parent.name == "images":
        return "image"
    if path.suffix == ".md":
        return {"articles": Kind.ARTICLE, "pages": Kind.PAGE, "people": "person"}.get(
            path.parent.name
        )
    return None


def collect_files(paths):
    """The content files under `paths` (folders are searched, files taken as named)."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and _kind_of(p))
        elif path.is_file():
            if not _kind_of(path):
                raise ContentError(
                    path,
                    1,
                    "not a content file: expected topics.yaml, a .md file "
                    "in articles/, pages/ or people/, or a .yaml file in images/",
                )
            found.append(path)
        else:
            raise ContentError(path, 1, "no such file or folder")
    return list(dict.fromkeys(found))


def _read(path, kind):
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        raise ContentError(_shown(path), line, "not valid UTF-8 text") from error
    source = SourceFile(path=_shown(path), kind=kind, text=text)
    source.folder = path.parent
    _refuse_unstorable(source.path, text, first_line=1, what="the file")
    if kind in ("topics", "image"):
        source.data = _load_yaml(source, text, first_line=1)
        if kind == "image":
            if not isinstance(source.data, dict):
                raise ContentError(source.path, 1, "an image's file must be 'key: value' lines")
            for number, line in enumerate(text.split("\n"), 1):
                match = KEY_LINE.match(line)
                if match:
                    source.key_lines.setdefault(match.group(1), number)
        return source
    if not text.startswith("---\n"):
        raise ContentError(
            source.path, 1, "missing front matter: the file must start with a '---' line"
        )
    end = re.search(r"^---[ \t]*$", text[4:], re.MULTILINE)
    if end is None:
        raise ContentError(source.path, 1, "front matter is not closed by a '---' line")
    front = text[4 : 4 + end.start()]
    source.data = _load_yaml(source, front, first_line=2)
    if not isinstance(source.data, dict):
        raise ContentError(source.path, 2, "front matter must be 'key: value' lines")
    for offset, line in enumerate(front.split("\n")):  # lines as YAML counts them
        match = KEY_LINE.match(line)
        if match:
            source.key_lines.setdefault(match.group(1), offset + 2)
    source.body = text[4 + end.end() :].lstrip("\n")
    source.body_line = text.count("\n", 0, len(text) - len(source.body)) + 1
    return source


def _refuse_unstorable(path, text, first_line, what):
    """Stop at the first control character in `text` (which starts on `first_line`)."""
    found = first_unstorable(text)
    if found is not None:
        index, char = found
        line = first_line + text.count("\n", 0, index)
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        raise ContentError(
            path,
            line,
            f"{what} holds an invisible control character, {describe(char)}, at column "
            f"{column}; it can't be stored or sent in feeds: delete it",
        )


def _load_yaml(source, text, first_line):
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line if mark else 0)
        message = f"invalid YAML: {error.problem}"
        if error.context_mark and error.problem_mark and error.context_mark.line != mark.line:
            message += f" ({error.context} on line {first_line + error.context_mark.line})"
        raise ContentError(source.path, line, message) from error
    except yaml.YAMLError as error:
        raise ContentError(source.path, first_line, f"invalid YAML: {error}") from error
    except ValueError as error:  # a date YAML reads but the calendar lacks: 2026-02-30
        raise ContentError(source.path, first_line, f"invalid date: {error}") from error
    except RecursionError:
        raise ContentError(source.path, first_line, "invalid YAML: nested too deeply") from None


# --- Checking --------------------------------------------------------------------------


def _check_fields(source, data, spec, line=None):
    for key, value in data.items():
        where = line or source.line_of(key)
        if key in BOOLEANS:
            if not isinstance(value, bool):
                raise ContentError(source.path, where, f"'{key}' must be true or false")
        elif key in WHOLE_NUMBERS:
            if type(value) is not int or not 0 <= value <= WHOLE_NUMBERS[key]:
                raise ContentError(
                    source.path,
                    where,
                    f"'{key}' must be a whole number from 0 to {WHOLE_NUMBERS[key]:,}",
                )
        elif key in DATES:
            continue  # checked by _as_datetime
        elif key in YES_OR_NO:
            if type(value) is not bool:
                raise ContentError(source.path, where, f"'{key}' must be true or false")
        elif value is not None and not isinstance(value, str):
            # YAML reads [a, b], {a: 1}, dates, numbers and true as other things than text.
            raise ContentError(
                source.path,
                where,
                f"'{key}' must be text (put it in quotes if YAML reads it otherwise)",
            )
        elif value is not None and first_unstorable(value):
            # Written as an escape ("\x0b") in a quoted YAML value.
            _refuse_unstorable(source.path, value, where, f"'{key}'")
        elif key in ONE_LINE_FIELDS | ONE_LINE_STRIPPED and (
            refused := one_line_message(value.strip() if key in ONE_LINE_STRIPPED else value)
        ):
            # A YAML escape ("\n", "\u2028") or a block (|) that keeps its line breaks.
            raise ContentError(source.path, where, f"{key}: {refused}")
    keys = set(data)
    for missing in sorted(spec["required"] - keys):
        raise ContentError(source.path, line or 1, f"missing required field '{missing}'")
    for unknown in sorted(keys - spec["required"] - spec["optional"]):
        raise ContentError(
            source.path, line or source.line_of(unknown), f"unknown field '{unknown}'"
        )
    for name in spec["required"]:
        if data[name] is None or (isinstance(data[name], str) and not data[name].strip()):
            if name != "credentials":
                raise ContentError(source.path, line or source.line_of(name), f"'{name}' is empty")
    if "slug" in data and not SLUG.match(str(data["slug"])):
        raise ContentError(
            source.path,
            line or source.line_of("slug"),
            f"slug '{data['slug']}' must be lowercase letters, digits and hyphens",
        )


def _as_datetime(source, key):
    value = source.data.get(key)
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, datetime.date):
        return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))
    raise source.error(key, f"'{key}' must be a date like 2026-01-31")


def _check_document(source, known_topics, known_people, known_images):
    data = source.data
    _check_fields(source, data, DOCUMENT_FIELDS[source.kind])
    if data["status"] not in {"draft", "published"}:
        raise source.error("status", "status must be 'draft' or 'published'")
    if len(str(data["summary"])) > 300:
        raise source.error("summary", "summary is longer than 300 characters")
    if len(str(data["title"])) > 200:
        raise source.error("title", "title is longer than 200 characters")
    summary = data.get("change_summary") or ""
    if len(summary) > CHANGE_SUMMARY_CHARS:
        raise source.error(
            "change_summary", f"change_summary is longer than {CHANGE_SUMMARY_CHARS} characters"
        )
    if data.get("material_change") and not summary.strip():
        raise source.error(
            "material_change",
            "a material change needs a change_summary saying what changed for readers",
        )
    if source.kind == Kind.ARTICLE and data["topic"] not in known_topics:
        raise source.error("topic", f"unknown topic '{data['topic']}'")
    if data.get("author") is not None and data["author"] not in known_people:
        raise source.error("author", f"unknown author '{data['author']}'")
    if data.get("image") is not None and data["image"] not in known_images:
        raise source.error(
            "image", f"unknown image '{data['image']}' (not in the library or content/images/)"
        )
    published, updated = _as_datetime(source, "published"), _as_datetime(source, "updated")
    if published and updated and updated < published:
        raise source.error("updated", "'updated' is before 'published'")
    if not source.body.strip():
        raise ContentError(source.path, source.body_line, "the body is empty")
    _check_renders(source, known_images)


def _check_renders(source, known_images=frozenset()):
    """The body within the renderer's limits (size, nesting, time), its pictures from the
    library or the files being imported (`known_images`, slugs), or its line and why not."""
    try:
        render_markdown(source.body, pictures=lambda slugs: _stand_ins(slugs, known_images))
    except MarkdownRefused as refused:
        line = source.body_line + (refused.line - 1 if refused.line else 0)
        message = f"the body can't be rendered: {refused.message}"
        raise ContentError(source.path, line, message) from None


def _stand_ins(slugs, known_images):
    """Pictures standing in, while checking, for images known but maybe not yet imported."""
    from images.renditions import Picture

    return {
        slug: Picture(slug, slug, False, "", "", 1, 1, (), "/media/", "/media/ 1w")
        for slug in slugs
        if slug in known_images
    }


def _check_image(source, slugs):
    from django.core.exceptions import ValidationError
    from django.core.files import File

    from images.checks import inspect_upload
    from images.models import Image

    data = source.data
    _check_fields(source, data, IMAGE_FIELDS)
    if not (data.get("alt") or "").strip() and not data.get("decorative"):
        raise source.error(
            "alt" if "alt" in data else 1,
            "'alt' is missing: say what the picture shows (or set 'decorative: true')",
        )
    for name, limit in (("alt", 300), ("caption", 300), ("credit", 200), ("licence", 200)):
        if len(data.get(name) or "") > limit:
            raise source.error(name, f"'{name}' is longer than {limit} characters")
    if data["slug"] in slugs:
        raise source.error(
            "slug", f"duplicate image slug '{data['slug']}' (also in {slugs[data['slug']]})"
        )
    slugs[data["slug"]] = source.path
    # The library's own checks (lengths, the slug's form), now, not while writing.
    try:
        Image(slug=data["slug"], **_image_details(data)).clean_fields(
            exclude=["file", "format", "width", "height", "file_size", "checksum"]
        )
    except ValidationError as refused:
        field, messages = next(iter(refused.message_dict.items()))
        key = {"alt_text": "alt"}.get(field, field)
        raise source.error(key if key in data else 1, f"'{key}': {messages[0]}") from None
    picture = source.folder / str(data["file"])
    if "/" in str(data["file"]) or not picture.is_file():
        raise source.error("file", f"no picture file '{data['file']}' beside {source.path.name}")
    with picture.open("rb") as opened:
        try:
            inspect_upload(File(opened, name=picture.name), picture.name)
        except ValidationError as refused:
            raise source.error("file", f"'{data['file']}': {refused.messages[0]}") from None


def check(sources):
    """Validate every file against each other and the database; raise on the first problem."""
    from images.models import Image

    topics = {s for s in Topic.objects.values_list("slug", flat=True)}
    people = {s for s in Person.objects.values_list("slug", flat=True)}
    image_files = {}
    for source in (s for s in sources if s.kind == "image"):
        _check_image(source, image_files)
    images = set(Image.objects.values_list("slug", flat=True)) | set(image_files)
    for source in (s for s in sources if s.kind == "topics"):
        if not isinstance(source.data, list):
            raise ContentError(source.path, 1, "topics.yaml must be a list of topics")
        seen = set()
        for index, item in enumerate(source.data):
            line = _item_line(source.text, index)
            if not isinstance(item, dict):
                raise ContentError(
                    source.path, line, "each topic needs slug, title and description"
                )
            _check_fields(source, item, TOPIC_FIELDS, line=line)
            if item["slug"] in seen:
                raise ContentError(source.path, line, f"duplicate topic slug '{item['slug']}'")
            seen.add(item["slug"])
        topics |= seen
    for source in (s for s in sources if s.kind == "person"):
        _check_fields(source, source.data, PERSON_FIELDS)
        _check_renders(source, images)
        people.add(source.data["slug"])
    slugs = {}
    for source in (s for s in sources if s.kind in (Kind.ARTICLE, Kind.PAGE)):
        _check_document(source, topics, people, images)
        slug = source.data["slug"]
        if slug in slugs:
            raise source.error("slug", f"duplicate slug '{slug}' (also in {slugs[slug]})")
        slugs[slug] = source.path
        other = Article.objects.filter(slug=slug).exclude(kind=source.kind).first()
        if other is not None:
            raise source.error(
                "slug", f"slug '{slug}' is already used by a {other.get_kind_display()}"
            )


def _item_line(text, index):
    starts = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith("- ")]
    return starts[index] if index < len(starts) else 1


# --- Writing --------------------------------------------------------------------------


def _import_topics(source):
    changed = created = 0
    for order, item in enumerate(source.data, 1):
        values = {
            "title": item["title"],
            "description": item.get("description") or "",
            "order": order,
        }
        topic, was_created = Topic.objects.get_or_create(slug=item["slug"], defaults=values)
        if was_created:
            created += 1
        elif any(getattr(topic, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(topic, key, value)
            topic.save()  # save(), not update(): cached pages listen for it
            changed += 1
    if created and created == len(source.data):
        return Outcome("created", source.path, f"{created} topics")
    if created or changed:
        return Outcome("updated", source.path, f"{created} topics added, {changed} changed")
    return Outcome("unchanged", source.path, f"{len(source.data)} topics")


def _import_person(source):
    data = source.data
    values = {
        "name": data["name"],
        "role": data.get("role") or "",
        "credentials": data.get("credentials") or "",
        "bio": source.body.strip(),
    }
    person = Person.objects.filter(slug=data["slug"]).first()
    if person is None:
        Person.objects.create(slug=data["slug"], **values)
        return Outcome("created", source.path, data["slug"])
    if all(getattr(person, k) == v for k, v in values.items()):
        return Outcome("unchanged", source.path, data["slug"])
    for key, value in values.items():
        setattr(person, key, value)
    person.save()
    return Outcome("updated", source.path, data["slug"])


def _image_details(data):
    """The Image fields an image's file gives, from its YAML `data`."""
    return {
        "title": data["title"],
        "alt_text": (data.get("alt") or "").strip(),
        "decorative": bool(data.get("decorative")),
        "caption": (data.get("caption") or "").strip(),
        "credit": data["credit"],
        "licence": data["licence"],
    }


def _import_image(source, *, force):
    """Add the picture to the library, or bring its details and file up to date
    (not over an editor's changes in the admin, unless forced)."""
    from django.core.files import File

    from images.models import Image
    from images.renditions import add_image, replace_picture

    data = source.data
    details = _image_details(data)
    picture = source.folder / str(data["file"])
    image = Image.objects.select_for_update().filter(slug=data["slug"]).first()
    with picture.open("rb") as opened:
        upload = File(opened, name=picture.name)
        if image is None:
            image = Image(slug=data["slug"], source_path=str(source.path), **details)
            add_image(upload, image)
            Image.objects.filter(pk=image.pk).update(imported_version=image.version)
            return Outcome("created", source.path, data["slug"])
        if image.imported_version != image.version and not force:
            return Outcome(
                "refused",
                source.path,
                f"{data['slug']}: the image was uploaded or its details edited in the admin; "
                "nothing was overwritten. Use --force to import this file anyway.",
            )
        checksum = hashlib.sha256(picture.read_bytes()).hexdigest()
        same_details = all(getattr(image, k) == v for k, v in details.items())
        if checksum == image.checksum and same_details:
            return Outcome("unchanged", source.path, data["slug"])
        if not same_details:
            for key, value in details.items():
                setattr(image, key, value)
            image.save_details(image.version, list(details))
        if checksum != image.checksum:
            replace_picture(image, upload)
    Image.objects.filter(pk=image.pk).update(
        imported_version=image.version, source_path=str(source.path)
    )
    return Outcome(
        "updated", source.path, f"{data['slug']} (articles show it so from their next revision)"
    )


def _edited_since_import(article):
    """Changed by anyone but the last import (text, placement, review, publication)?"""
    if article.imported_version is not None:
        return article.version != article.imported_version
    return article.latest_revision_id != article.imported_revision_id  # imported before versions


def _library_image(slug):
    from images.models import Image

    return Image.objects.get(slug=slug) if slug else None


def _import_document(source, *, force, publish_live, operator):
    data = source.data
    slug = data["slug"]
    # Locked like every other write: what is checked here is what is written over.
    article = (
        Article.objects.select_for_update(of=("self",))
        .select_related("latest_revision", "live_revision")
        .filter(slug=slug)
        .first()
    )
    structure = {
        "topic": Topic.objects.get(slug=data["topic"]) if data.get("topic") else None,
        "author": Person.objects.get(slug=data["author"]) if data.get("author") else None,
        "order": data.get("order", 0),
        "review_interval_months": data.get("review_interval_months", 12),
        "image": _library_image(data.get("image")),
    }
    text = {"title": data["title"], "summary": data["summary"], "body": source.body}
    note = ""

    if article is None:
        article = Article.objects.create(
            kind=source.kind, slug=slug, source_path=str(source.path), **structure
        )
        result = "created"
    else:
        unchanged = (
            article.source_checksum == source.checksum
            and article.latest_revision_id == article.imported_revision_id
        )
        # The same file again, with --publish: the draft an earlier import left
        # (text equal to the file) is what the operator asks to publish.
        draft_waits = (
            publish_live
            and data["status"] == "published"
            and article.latest_revision_id != article.live_revision_id
        )
        if unchanged and not draft_waits:
            return Outcome("unchanged", source.path, slug)
        if _edited_since_import(article) and not force:
            return Outcome(
                "refused",
                source.path,
                f"{slug}: edited in the admin since the last import (now at version "
                f"{article.version}); nothing was overwritten. Use --force to import this "
                "file anyway.",
            )
        # Readers see a live article's topic, byline, position and review interval
        # at once: only --publish changes them (recorded as a change of placement).
        if article.first_published_at is None or publish_live:
            workflow.change_placement(
                article, structure, user=None, expected_version=article.version
            )
        elif any(getattr(article, k) != v for k, v in structure.items()):
            note = " (topic, byline, position or review interval differ from the file: kept; --publish changes them)"
        Article.objects.filter(pk=article.pk).update(source_path=str(source.path))
        result = "updated"

    article = Article.objects.select_related("latest_revision").get(pk=article.pk)
    latest = article.latest_revision
    if latest is None or any(getattr(latest, k) != v for k, v in text.items()):
        revision = workflow.save_draft(
            article, user=None, origin="import", expected_version=article.version, **text
        )
    else:
        revision = latest
    _note_change(revision, data)
    article.refresh_from_db()
    if data["status"] == "published":
        note = _publish_imported(article, revision, source, publish_live, operator) + note
    # Bookkeeping of the import only: nothing readers or the forms show, so no
    # new version; the version it leaves tells a later import of any other change.
    article.refresh_from_db(fields=["version"])
    Article.objects.filter(pk=article.pk).update(
        source_checksum=source.checksum,
        imported_revision=revision,
        imported_version=article.version,
    )
    return Outcome(result, source.path, f"{slug}{note}")


def _note_change(revision, data):
    """Keep the file's change summary on a revision that will replace live text, so
    that whoever publishes it (an editor, or --publish) logs it for readers."""
    summary = (data.get("change_summary") or "").strip()
    if not summary or revision.published_at is not None:
        return
    material = bool(data.get("material_change"))
    if (revision.change_summary, revision.change_is_material) != (summary, material):
        type(revision).objects.filter(pk=revision.pk).update(
            change_summary=summary, change_is_material=material
        )
        revision.change_summary, revision.change_is_material = summary, material


def _publish_imported(article, revision, source, publish_live, operator):
    """Publish imported text: the first time always, over live text only with --publish.

    Nobody reviewed text that comes from a file: it goes live as "published
    without review by OPERATOR", and readers are told it is not yet reviewed.
    """
    is_live = article.status == Status.PUBLISHED and article.live_revision_id is not None
    if revision.pk == article.live_revision_id:
        return ""
    if is_live and not publish_live:
        return " (new text saved as a draft for review; the live text is unchanged)"
    published = _as_datetime(source, "published")
    updated = _as_datetime(source, "updated")
    at = None if is_live else published
    workflow.publish(
        article,
        user=None,
        at=at,
        expected_version=article.version,
        change_summary=(
            (source.data.get("change_summary") or "Updated from the content files.")
            if is_live
            else "First published."
        ),
        material=is_live and bool(source.data.get("material_change")),
        without_review_by=operator,
    )
    if updated and not is_live:
        article = Article.objects.get(pk=article.pk)
        article.last_published_at = updated
        article.save(update_fields=["last_published_at"])
    return " (published)" if not is_live else " (published over the live text, --publish)"


def import_content(paths, *, force=False, publish_live=False, operator=None):
    """Import the files under `paths`; all or nothing. Returns one Outcome per file.

    `operator` is who ran it, named in the audit log of what it publishes
    (default: the login name running the command)."""
    operator = operator or getpass.getuser()
    files = collect_files(paths)
    sources = [_read(path, _kind_of(path)) for path in files]
    check(sources)
    order = {"topics": 0, "person": 1, "image": 2, Kind.PAGE: 3, Kind.ARTICLE: 4}
    outcomes = []
    with transaction.atomic():
        for source in sorted(sources, key=lambda s: order[s.kind]):
            if source.kind == "topics":
                outcomes.append(_import_topics(source))
            elif source.kind == "person":
                outcomes.append(_import_person(source))
            elif source.kind == "image":
                outcomes.append(_import_image(source, force=force))
            else:
                outcomes.append(
                    _import_document(
                        source, force=force, publish_live=publish_live, operator=operator
                    )
                )
    return outcomes
