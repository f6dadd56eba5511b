"""The local rules a comment passes before and after Akismet, cheapest first.

`comments.intake.submission.submit_comment` applies them in this order:

1. `closed_reason`: is the post still open for comments (its own switch, and
   DiscussionSettings.close_after_days)? If not: 403. Then `login_refusal`: when the
   settings let only signed-in users comment, an anonymous reader gets 403.
2. `parent_refusal`: a reply must answer an approved comment on the same post. If not: 403.
3. `form_age_reason`: the signed `form_ts` says the form came back too fast (under
   COMMENTS_MIN_FORM_SECONDS), too late (over COMMENTS_MAX_FORM_AGE_DAYS), or it is missing
   or forged. Stored, but held for moderation with that reason.
4. `lock_author` then `repeated`: a duplicate (409: the same post, parent, author and text
   again) or a flood (429: another comment from the same IP address or email within
   COMMENTS_FLOOD_SECONDS; moderators are exempt). Both
   are read in one query under transaction-scoped advisory locks, so they hold across any
   number of web processes.
5. `honeypot_filled`: a bot filled in the hidden field. Stored as spam, Akismet not asked
   (after the duplicate and flood rules, so a bot cannot store the same row twice either).
6. `disallowed_word`: straight to the trash, Akismet not asked.
7. `hold_reasons`: too many links in the text (as WordPress's `check_comment()` counts for
   comment_max_links: the website is not one of them), or a moderation word. Held for
   moderation.

After Akismet says ham, `comments.workflow.moves.status_for_ham` decides between pending and
approved.

Words match whole words, ignoring case, in the name, email, website, text, IP address and
user agent. Substring matching is opt-in per entry (`*word*`), because WordPress matching
inside words ("press" holding "WordPress") is a long-standing complaint.
"""

import hashlib
import re
import time
from datetime import timedelta

from django.core import signing
from django.db import connection
from django.utils import timezone

from comments.models import Comment, Status
from comments.rules import conf
from comments.rules.moderators import is_moderator

DUPLICATE_MESSAGE = "Duplicate comment detected; it looks as though you’ve already said that!"  # noqa: RUF001
FLOOD_MESSAGE = "You are posting comments too quickly. Slow down."
CLOSED_MESSAGE = "Sorry, comments are closed for this item."
LOGIN_REQUIRED_MESSAGE = "You must be logged in to post a comment."
BAD_PARENT_MESSAGE = (
    "Sorry, you can’t reply to that comment: it is not (or no longer) shown on this post."  # noqa: RUF001
)


_FORM_TS_SALT = "comments.form_ts"


# --- Open or closed ---------------------------------------------------------------------


def closed_reason(post, discussion) -> str:
    """Return why the post takes no comments now, or "" when it is open."""
    if not post.comments_open:
        return CLOSED_MESSAGE
    days = discussion.close_after_days
    if days is not None and post.published_at < timezone.now() - timedelta(days=days):
        return CLOSED_MESSAGE
    return ""


def login_refusal(discussion, user) -> str:
    """Return why this visitor may not comment, or "" when they may."""
    if discussion.require_login and (user is None or not user.is_authenticated):
        return LOGIN_REQUIRED_MESSAGE
    return ""


def parent_refusal(post, parent) -> str:
    """Return why a reply to `parent` is refused, or "" when it may be posted."""
    if parent is None:
        return ""
    if parent.post_id != post.pk or parent.status != Status.APPROVED:
        return BAD_PARENT_MESSAGE
    return ""


def ancestors(comment) -> list:
    """Return the comment, its parent, and so on up to its top-level comment."""
    chain = [comment]
    # A thread is never this deep; the bound only guards against a parent loop in the data.
    while chain[-1].parent_id is not None and len(chain) <= 1000:
        chain.append(Comment.objects.only("pk", "parent_id").get(pk=chain[-1].parent_id))
    return chain


def attach_point(parent, discussion):
    """Return the comment a reply to `parent` hangs from, never deeper than the maximum."""
    # A Reply link is never shown at the deepest level, so only hand-made requests (or a
    # page from before the depth was lowered) get here; their reply joins the deepest level.
    if parent is None:
        return None
    chain = ancestors(parent)
    deepest_parent = discussion.max_depth - 1
    if len(chain) <= deepest_parent:
        return parent
    if deepest_parent == 0:
        return None
    return chain[len(chain) - deepest_parent]


# --- Cheap checks -----------------------------------------------------------------------


def honeypot_filled(data) -> bool:
    return bool(data.get("ak_hp_textarea"))


class _FormSigner(signing.TimestampSigner):
    def __init__(self, issued_at=None):
        super().__init__(salt=_FORM_TS_SALT)
        self.issued_at = issued_at

    def timestamp(self):
        moment = time.time() if self.issued_at is None else self.issued_at
        return signing.b62_encode(int(moment))


def form_timestamp(post, issued_at: float | None = None) -> str:
    """Sign the moment a post's comment form was shown (now, unless `issued_at`)."""
    return _FormSigner(issued_at).sign(str(post.pk))


def form_age_reason(post, token: str) -> str:
    """Return why a form's signed timestamp is suspicious, or "" when it looks human."""
    signer = _FormSigner()
    max_age = timedelta(days=conf.max_form_age_days())
    try:
        value = signer.unsign(token or "", max_age=max_age)
    except signing.SignatureExpired:
        return f"form older than {conf.max_form_age_days()} days"
    except signing.BadSignature:
        return "form timestamp missing or invalid"
    if value != str(post.pk):
        return "form timestamp missing or invalid"
    issued = signing.b62_decode(token.rsplit(signer.sep, 2)[1])
    seconds = time.time() - issued
    if seconds < conf.min_form_seconds():
        return f"submitted too fast ({max(seconds, 0):.0f} s after the form was shown)"
    return ""


# --- Duplicate and flood, race-free across processes ------------------------------------


def _lock_key(text: str) -> int:
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_author(comment) -> None:
    """Serialise comments by the same email, IP address or text until the transaction ends."""
    keys = {
        _lock_key(f"comments:email:{comment.author_email.lower()}"),
        _lock_key(f"comments:text:{comment.post_id}:{comment.content}"),
    }
    if comment.ip_address:
        keys.add(_lock_key(f"comments:ip:{comment.ip_address}"))
    with connection.cursor() as cursor:
        # One order for every transaction (unnest keeps the array's), so two of them can never
        # wait on each other; one round trip for all the keys.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(key) FROM unnest(%s::bigint[]) AS key", [sorted(keys)]
        )


DUPLICATE, FLOOD = "duplicate", "flood"

# Both rules in one statement, each read from its indexes and never from the thread: the same
# author by `comment_email_upper_idx` or by name on the post by `comment_post_author_idx`,
# recent comments by `comment_submitted_idx`. Written in SQL, this is the rules' one home:
# the ORM spent about 2 ms of Python a comment building the same two EXISTS (issue 26).
_REPEATED = f"""
SELECT
    EXISTS (
        SELECT FROM {Comment._meta.db_table}
        WHERE (UPPER(author_email) = UPPER(%(email)s)
               OR (post_id = %(post)s AND author_name = %(name)s))
          AND post_id = %(post)s
          AND parent_id IS NOT DISTINCT FROM %(parent)s
          AND content = %(content)s
          AND status <> %(trash)s
    ),
    %(flood_applies)s AND EXISTS (
        SELECT FROM {Comment._meta.db_table}
        WHERE submitted_at >= %(since)s
          AND (UPPER(author_email) = UPPER(%(email)s) OR ip_address = %(ip)s::inet)
    )
"""  # noqa: S608 (the table name is ours; every value is a parameter)


def repeated(comment, user=None) -> str:
    """Return DUPLICATE or FLOOD when the comment repeats one too soon or at all, else "".

    A duplicate is the same post, parent, author (email, or name on the post) and text again,
    unless the earlier one was trashed. A flood is another comment from the same IP address or
    email within COMMENTS_FLOOD_SECONDS; moderators are exempt.
    """
    params = {
        "email": comment.author_email,
        "post": comment.post_id,
        "name": comment.author_name,
        "parent": comment.parent_id,
        "content": comment.content,
        "trash": Status.TRASH,
        "flood_applies": not is_moderator(user),
        "since": timezone.now() - timedelta(seconds=conf.flood_seconds()),
        "ip": comment.ip_address or None,
    }
    with connection.cursor() as cursor:
        cursor.execute(_REPEATED, params)
        duplicate, flood = cursor.fetchone()
    return DUPLICATE if duplicate else FLOOD if flood else ""


# --- Words and links --------------------------------------------------------------------


def _patterns(text: str) -> list[tuple[str, re.Pattern]]:
    patterns = []
    for line in text.splitlines():
        entry = line.strip()
        if not entry:
            continue
        if len(entry) > 2 and entry.startswith("*") and entry.endswith("*"):
            word = entry[1:-1]
            pattern = re.compile(re.escape(word), re.IGNORECASE)
        else:
            word = entry
            pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        patterns.append((word, pattern))
    return patterns


def _matching_word(words: str, comment) -> str:
    haystack = "\n".join(
        [
            comment.author_name,
            comment.author_email,
            comment.author_url,
            comment.content,
            comment.ip_address or "",
            comment.user_agent,
        ]
    )
    for word, pattern in _patterns(words):
        if pattern.search(haystack):
            return word
    return ""


def disallowed_word(comment, discussion) -> str:
    """Return the disallowed word the comment contains, or ""."""
    return _matching_word(discussion.disallowed_words, comment)


_LINK = re.compile(r"(?:\bhttps?://|(?<![/\w.])www\.)", re.IGNORECASE)


def count_links(text: str) -> int:
    return len(_LINK.findall(text))


def hold_reasons(comment, discussion) -> list[str]:
    """Return why the rules hold this comment for moderation, if they do."""
    found = []
    # As WordPress: the links in the text; the website is the commenter's byline, not a link
    # they wrote (its `comment_max_links_url` filter lets a plugin add it; core does not).
    links = count_links(comment.content)
    if discussion.hold_link_count and links >= discussion.hold_link_count:
        found.append(f"{links} links")
    if word := _matching_word(discussion.moderation_words, comment):
        found.append(f"moderation word '{word}'")
    return found
