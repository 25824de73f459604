"""What readers see of the editors' curation: published articles only, in the editors' order."""

from articles.models import Article

RELATED_LIMIT = 3
PICKS_LIMIT = 5


def _readable():
    return Article.objects.published().guide_articles().for_listing()


def editors_picks(exclude=None, limit=PICKS_LIMIT):
    picks = _readable().filter(editors_pick__isnull=False).order_by("editors_pick__order", "pk")
    if exclude is not None:
        picks = picks.exclude(pk=exclude.pk)
    return list(picks[:limit])


def related_articles(article, limit=RELATED_LIMIT):
    """Articles the editors chose for this one, topped up with others from its topic."""
    chosen = list(
        _readable()
        .filter(chosen_as_related__article=article)
        .order_by("chosen_as_related__order", "pk")[:limit]
    )
    if len(chosen) < limit and article.topic_id:
        same_topic = (
            _readable()
            .filter(topic_id=article.topic_id)
            .exclude(pk__in=[article.pk, *(a.pk for a in chosen)])
            .in_guide_order()
        )
        chosen += list(same_topic[: limit - len(chosen)])
    return chosen
