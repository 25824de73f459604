"""What the page cache tells the rest of the site (and a front cache in front of it).

``pages_changed`` is sent after a change that alters what some public URLs
answer has been committed (``transaction.on_commit``; at once outside a
transaction; never for a change rolled back). Keyword arguments:

- ``paths``: a ``frozenset`` of site-relative URL paths whose responses
  changed, without query string or host, e.g. ``"/guide/how-it-works/"``,
  ``"/"``, ``"/topics/skin/"``, ``"/feeds/rss/"``, ``"/sitemap.xml"``,
  ``"/sitemap-articles.xml"``. A path covers all its query-string variants
  (``/topics/skin/?page=2``). The listings, feeds and sitemap files a change
  shows on are included: exactly the URLs whose responses changed.
- ``all_pages``: ``True`` when a site-wide piece changed (the footer's site
  pages, a topic or person name shown across the site, the partner list that
  marks paid links, the shared cache coming back after an outage, a new
  release running: sent once, by the first app server to serve a cached page
  with it): every page changed, whatever ``paths`` holds (it may be empty then).

A change reached by the clock (a scheduled publication, revision go-live or
unpublication) sends it when the site applies it: at the first request that
reaches Django after the moment, or the ``publish_scheduled`` command.

One change may send it more than once (an article's save and its live
revision's, in one publish); receivers that call a slow API should batch.
Receivers must not raise: the change has already been committed.
"""

import django.dispatch

pages_changed = django.dispatch.Signal()
