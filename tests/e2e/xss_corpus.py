"""The hostile-input corpus (tests/xss_vectors.txt) and what the browser must
never show for it: code that ran, an event attribute, a dangerous URL or a tag
outside the renderer's allowlist."""

import re
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "xss_vectors.txt"
ID_PATTERN = r"xss-[a-z-]+-\d{3}"


@dataclass(frozen=True)
class Vector:
    id: str
    text: str


def _decode(line, vector_id):
    text = line.replace("{NL}", "\n").replace("{TAB}", "\t").replace("{ID}", vector_id)
    return re.sub(r"\{U\+([0-9A-F]{4,6})\}", lambda m: chr(int(m.group(1), 16)), text)


def load_vectors():
    vectors, section, number = [], None, 0
    # split("\n"), not splitlines(): some vectors hold characters that
    # splitlines() would take for line breaks.
    for line in CORPUS.read_text(encoding="utf-8").split("\n"):
        if not line.strip() or line.startswith(";;"):
            continue
        if line.startswith("@@ "):
            section, number = line[3:].strip(), 0
            continue
        number += 1
        vector_id = f"xss-{section}-{number:03d}"
        vectors.append(Vector(vector_id, _decode(line, vector_id)))
    return vectors


# Installed before any page script: a sentinel the vectors call, and a log of it.
SENTINEL_SCRIPT = """
window.__xssCalls = [];
window.__xss = (...args) => { window.__xssCalls.push(String(args.length ? args[0] : '')); };
"""

# Walks the whole document in order. Elements whose id contains a vector id
# mark where that vector's output starts; every problem is filed under the
# last marker seen (or "page" before the first).
INSPECT_DOM = r"""([markerPattern, contentSelector, allowedTags]) => {
  const marker = new RegExp(markerPattern);
  const allowed = new Set(allowedTags);
  const urlAttributes = new Set(['href', 'src', 'action', 'formaction', 'data', 'poster',
    'background', 'srcset', 'cite', 'longdesc', 'ping', 'codebase', 'manifest', 'icon',
    'dynsrc', 'lowsrc', 'srcdoc', 'xlink:href', 'from', 'to', 'values', 'by']);
  const safeProtocols = new Set(['http:', 'https:', 'mailto:']);
  const report = {markers: [], problems: []};
  let current = 'page';
  const file = (el, what) => report.problems.push(
    {marker: current, what, html: el.outerHTML.slice(0, 200)});
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_ELEMENT);
  for (let el = walker.currentNode; el; el = walker.nextNode()) {
    const found = el.id && el.id.match(marker);
    if (found) { current = found[0]; report.markers.push(current); }
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on')) file(el, `event attribute ${name}`);
      if (name === 'style') file(el, 'inline style attribute');
      if (urlAttributes.has(name) || name.endsWith(':href')) {
        let protocol;
        try { protocol = new URL(attribute.value, document.baseURI).protocol; }
        catch (error) { protocol = 'unparsable'; }
        if (!safeProtocols.has(protocol)) file(el, `${name} with ${protocol} URL`);
      }
    }
    const tag = el.localName;
    const dataBlock = tag === 'script' && el.type === 'application/ld+json' && !el.src;
    if (tag === 'script' && !dataBlock && !(el.src && new URL(el.src).origin === location.origin)) {
      file(el, 'inline or foreign script');
    }
    if (['iframe', 'frame', 'object', 'embed', 'applet', 'base', 'portal'].includes(tag)) {
      file(el, `<${tag}> element`);
    }
    if (el.closest(contentSelector) && !el.matches(contentSelector) && !allowed.has(tag)) {
      file(el, `<${tag}> outside the allowlist inside user content`);
    }
  }
  return report;
}"""


def inspect(page, content_selector, allowed_tags, marker_pattern=ID_PATTERN):
    return page.evaluate(INSPECT_DOM, [marker_pattern, content_selector, sorted(allowed_tags)])
