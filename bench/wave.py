"""The spam wave: a minute of comment POSTs as fast as the stack takes them, readers beside.

A blog's worst day is a bot wave while readers keep reading. This part measures, in one run:

1. readers alone: the article through nginx (the production config), c=8;
2. the wave: `WAVE_SECONDS` of distinct comment POSTs at c=8 straight to gunicorn (each with
   its own address in X-Forwarded-For, as behind the production proxy, so the flood rule stays
   on; through nginx every POST would carry nginx's own address), while readers read the
   article through nginx at c=8;
3. what the wave left: every comment stored once, and how long after the wave's end its last
   spam check came;
4. a comment's cost on a post with `FEW` comments and on one with `MANY`, side by side.
"""

import secrets
import threading
from urllib.parse import quote_plus

from bench import wrk
from bench.client import comment_form
from bench.measure import Bench
from bench.runs import wait_for_checks

WAVE_SECONDS = 60
FEW, MANY = 10, 14_000
READERS = "wave: article through nginx, readers alone"
COST_FEW = f"wave: comment POST on a post with {FEW} comments"
COST_MANY = f"wave: comment POST on a post with {MANY:,} comments"


def run_wave(bench: Bench, seed) -> None:
    from django.db.models import Count, Max
    from django.urls import reverse
    from django.utils import timezone

    from comments.models import Comment

    if bench.proxy is None:
        print("Spam wave: needs the proxy part (nginx); not measured", flush=True)
        return
    proxy, path = bench.proxy.url, seed.get_absolute_url()
    action = reverse("comments:post", args=[seed.pk])
    print(f"Spam wave: {WAVE_SECONDS} s of comment POSTs, readers through nginx beside", flush=True)
    bench.warm(path, base=proxy)
    bench.measure(READERS, path, 8, floor="nginx static c=8", base=proxy)

    last = Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    values = _post_values(bench, path, action, net=100)
    figures = {}

    def load(name, url, **options):
        figures[name] = wrk.run(url, connections=8, seconds=WAVE_SECONDS, **options)

    loads = [
        threading.Thread(
            target=load,
            args=("posts", bench.base + action),
            kwargs={"script": "post_comment.lua", "values": values},
        ),
        threading.Thread(target=load, args=("reads", proxy + path)),
    ]
    for thread in loads:
        thread.start()
    for thread in loads:
        thread.join()
    ended = timezone.now()
    wait_for_checks(after=last, timeout=120)

    wave = Comment.objects.filter(pk__gt=last)
    stored = wave.count()
    twice = wave.values("author_name").annotate(n=Count("pk")).filter(n__gt=1).count()
    unchecked = wave.filter(spam_checked_at__isnull=True).count()
    last_check = wave.aggregate(at=Max("spam_checked_at"))["at"]
    posts, reads = figures["posts"], figures["reads"]
    bench.extra["wave"] = {
        "seconds": WAVE_SECONDS,
        "posts": posts.as_dict(),
        "reads": reads.as_dict(),
        "stored": stored,
        "stored_twice": twice,
        "unchecked": unchecked,
        "last_check_after_end_s": (
            round((last_check - ended).total_seconds(), 2) if last_check else None
        ),
    }
    print(
        f"  posts {posts.rps:.0f}/s (p99 {posts.p99_ms} ms, {posts.errors} not 302), "
        f"readers {reads.rps:.0f}/s (p99 {reads.p99_ms} ms, {reads.errors} errors); "
        f"stored {stored}, {twice} twice, {unchecked} unchecked, last check "
        f"{bench.extra['wave']['last_check_after_end_s']} s after the wave",
        flush=True,
    )
    run_cost_by_thread_size(bench)


def run_cost_by_thread_size(bench: Bench) -> None:
    """Measure a comment's CPU on a post with FEW comments and on one with MANY."""
    from django.urls import reverse

    from bench.data import comment_values, insert_select, settle_table
    from blog.models import Post
    from comments.models import Comment, tell_posts_comments_changed

    seed = Post.objects.get(slug="selling-vs-marketing")
    for label, count, net in ((COST_FEW, FEW, 140), (COST_MANY, MANY, 180)):
        post = Post.objects.create(
            title=f"Wave post with {count} comments",
            slug=f"wave-post-{count}",
            author_id=seed.author_id,
            body="A post for the wave's cost.",
            status=Post.Status.PUBLISHED,
            published_at=seed.published_at,
        )
        insert_select(
            Comment,
            {
                **comment_values(
                    "approved",
                    "ham",
                    "now() - interval '1 day' + i * interval '1 second'",
                    str(post.pk),
                ),
                # The authors of the thread are the ones the duplicate rule has to look past.
                "author_name": "'Wave reader ' || i",
            },
            "generate_series(1, %s::int) AS i",
            [count],
        )
        tell_posts_comments_changed([post.pk])
        # The thread was bulk-loaded a moment ago: settle it as autovacuum would have long
        # since, so the measurement is of the comments, not of the load's clean-up.
        settle_table(Comment)
        path, action = post.get_absolute_url(), reverse("comments:post", args=[post.pk])
        last = Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        bench.measure(
            label,
            action,
            8,
            script="post_comment.lua",
            settle=lambda last=last: wait_for_checks(after=last),
            values=_post_values(bench, path, action, net=net),
        )


def _post_values(bench: Bench, path: str, action: str, *, net: int) -> dict:
    form = comment_form(bench.base, path)
    return {
        "path": action,
        "cookie": form["cookie"],
        "fields": "&".join(f"{name}={quote_plus(value)}" for name, value in form["fields"].items()),
        "run": secrets.token_hex(3),
        # Each run's readers have addresses apart from every other run's (bench.runs: 10, 80).
        "net": str(net),
    }
