"""The search box: PostgreSQL's full-text search, widened to every language and to prefixes.

A post matches a query when either
- its English search vector matches the query read as `websearch` syntax (quoted phrases,
  `-word`, `or`), which ranks by weight (title over body); or
- every word of the query is found in its title, excerpt or body, and no `-word` is: a word
  in a script written without spaces (Chinese, Japanese, Thai…) anywhere inside the text,
  any other word at the beginning of a word (`caf` finds `café`, not `decaf`).

The second test is a regular expression over the text: PostgreSQL's English parser cuts
`マーケティングの基本` into one token, and its stemmer knows no Japanese. The embedded
PostgreSQL (pgserver) ships no `pg_trgm`, so the match reads every published post; a blog's
few thousand posts take milliseconds (docs/performance.md). Each word is escaped, so no query
can make the expression invalid.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import models
from django.db.models import Case, Q, Value, When

# Scripts written without spaces between words (and Hangul, whose particles attach to words).
_UNSPACED = re.compile(
    "[\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3100-\u312f"  # Bopomofo
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # half-width Katakana
    "\U00020000-\U0002fa1f]"  # CJK extensions B to F
)
# A quoted phrase, or a run of word characters, each maybe negated by a leading `-`.
_TERM = re.compile(r'(-?)"([^"]*)"|(-?)(\w+)')
_FIELDS = ("title", "custom_excerpt", "body")
_MAX_TERMS = 10


def terms(query: str) -> tuple[list[str], list[str]]:
    """Return the words and phrases a query asks for, and those it excludes."""
    wanted, excluded = [], []
    for match in _TERM.finditer(query):
        negated = match.group(1) or match.group(3)
        text = " ".join((match.group(2) if match.group(2) is not None else match.group(4)).split())
        if not text or text.lower() == "or":
            continue
        (excluded if negated else wanted).append(text)
    return wanted[:_MAX_TERMS], excluded[:_MAX_TERMS]


def _pattern(term: str) -> str:
    """Return a PostgreSQL regular expression finding `term` as the text would hold it."""
    # re.escape escapes only punctuation, which PostgreSQL's expressions read as literals too.
    escaped = re.escape(term)
    if _UNSPACED.search(term):
        return escaped
    return r"\m" + escaped


def _found(term: str) -> Q:
    pattern = _pattern(term)
    found = Q()
    for field in _FIELDS:
        found |= Q(**{f"{field}__iregex": pattern})
    return found


def matching(queryset: models.QuerySet, query: str) -> models.QuerySet:
    """Return the posts of `queryset` that `query` finds, best first."""
    full_text = SearchQuery(query, search_type="websearch", config="english")
    wanted, excluded = terms(query)
    words = Q()
    for term in wanted:
        words &= _found(term)
    for term in excluded:
        words &= ~_found(term)
    found = Q(search_vector=full_text)
    if wanted:
        found |= words
    in_title = Q()
    for term in wanted:
        in_title &= Q(title__iregex=_pattern(term))
    title_bonus = (
        Case(When(in_title, then=Value(1.0)), default=Value(0.0)) if wanted else Value(0.0)
    )
    return (
        queryset.filter(found)
        .annotate(rank=SearchRank(models.F("search_vector"), full_text) + title_bonus)
        .order_by("-rank", "-published_at")
    )
