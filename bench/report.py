"""The issue's targets checked against one run, the printed table, and bench/results.json."""

import json

from bench.measure import HEALTHZ, Bench
from bench.runs import AKISMET_DELAY, CHECK_DEADLINE, STAGES, TRICKLE_RATE
from bench.wave import COST_FEW, COST_MANY, FEW, MANY, READERS
from devstack.stack import ROOT

RESULTS = ROOT / "bench" / "results.json"
NGINX_STATIC = "nginx: static file, the article's bytes"
NGINX_ARTICLE = "nginx: article, 200 comments (micro-cache)"
POST = "comment POST → 302, spam check included"
FRESHNESS_LIMIT = 1.0
WAVE_CHECKED_WITHIN = 5.0


class NotMeasured(Exception):
    """A run the target needs did not happen, or completed no request."""


def targets(bench: Bench) -> list[dict]:
    """Check each of the issue's targets against this run's figures."""
    checks = []

    def measured(label, c):
        try:
            found = bench.row(label, c)
        except StopIteration:
            raise NotMeasured(f"{label} c={c} was not run") from None
        if not found["requests"]:
            raise NotMeasured(f"{label} c={c} completed no request")
        return found

    def floor(c, field="rps"):
        return measured(HEALTHZ, c)[field]

    def check(name, measure):
        try:
            passed, figure = measure()
        except NotMeasured as missing:
            passed, figure = None, f"not measured: {missing}"
        except KeyError:
            passed, figure = None, "not measured"
        checks.append({"target": name, "pass": passed, "figure": figure})

    def through_nginx():
        static, article = measured(NGINX_STATIC, 8), measured(NGINX_ARTICLE, 8)
        ratio = article["rps"] / static["rps"]
        return (
            ratio >= 0.5 and article["p99_ms"] < 20 and not article["errors"],
            f"{ratio:.0%} of the static file's {static['rps']:.0f} req/s, "
            f"p99 {article['p99_ms']} ms",
        )

    def freshness():
        fresh = bench.extra["freshness"]
        return fresh["max_s"] <= FRESHNESS_LIMIT, (
            f"max {fresh['max_s']} s, median {fresh['median_s']} s over {len(fresh['probes'])}"
        )

    def beside(row):
        """Return the trivial view's req/s measured beside `row`, and how it was measured."""
        if "beside_floor" in row:
            rps = row["beside_floor"]["rps"]
            return rps, f"{rps:.0f} req/s measured just before and after"
        return floor(8), "the floor's row"

    def article_at_200():
        row = measured("article, 200 comments", 8)
        rps, how = beside(row)
        ratio = row["rps"] / rps
        return ratio >= 0.8, f"{ratio:.0%} of trivial ({how}), p99 {row['p99_ms']} ms"

    def growth():
        few, many = measured("article, 10 comments", 8), measured("article, 2000 comments", 8)
        by_cpu, by_rps = many["cpu_ms"] / few["cpu_ms"], few["rps"] / many["rps"]
        return by_cpu <= 1.5, f"{by_cpu:.2f}x the CPU per request ({by_rps:.2f}x by requests/s)"

    def revalidation(label):
        row = measured(f"article revalidated: {label} → 304", 8)
        rps, how = beside(row)
        ratio = row["rps"] / rps
        return ratio >= 0.8 and not row["errors"], f"{ratio:.0%} of trivial ({how})"

    def post_cpu():
        row = measured(POST, 8)
        if "beside_floor" in row:
            trivial, how = row["beside_floor"]["cpu_ms"], "measured just before and after"
        else:
            trivial, how = floor(8, "cpu_ms"), "the floor's row"
        ratio = row["cpu_ms"] / trivial
        return ratio <= 10, (
            f"{row['cpu_ms']:.2f} ms CPU per comment, {ratio:.1f}x the trivial view's "
            f"{trivial:.2f} ms ({how}; {row['cpu_ms'] / floor(8, 'cpu_ms'):.1f}x the floor's row)"
        )

    def post_latency():
        alone, crowd = measured(POST, 1), measured(POST, 8)
        return (
            crowd["p99_ms"] < 150 and not alone["errors"] and not crowd["errors"],
            f"p99 {crowd['p99_ms']} ms at {crowd['rps']:.0f} req/s ({crowd['errors']} errors); "
            f"alone p99 {alone['p99_ms']} ms",
        )

    def queue():
        q = bench.extra["queue"]
        passed = (
            q["unchecked"] == 0
            and q["stored"] == q["posted"]
            and (q["max_s"] or 99) <= CHECK_DEADLINE
        )
        return passed, (
            f"max {q['max_s']} s, median {q['p50_s']} s, {q['unchecked']} unchecked, "
            f"{q['stored']}/{q['posted']} stored, {q['task_workers']} task workers"
        )

    def wave():
        w, alone = bench.extra["wave"], measured(READERS, 8)
        ratio = w["reads"]["rps"] / alone["rps"]
        passed = (
            ratio >= 0.8
            and not w["reads"]["errors"]
            and not w["stored_twice"]
            and not w["unchecked"]
            and (w["last_check_after_end_s"] if w["last_check_after_end_s"] is not None else 99)
            <= WAVE_CHECKED_WITHIN
        )
        return passed, (
            f"readers {ratio:.0%} of alone ({w['reads']['errors']} errors); "
            f"{w['stored']} stored at {w['posts']['rps']:.0f}/s, {w['stored_twice']} twice, "
            f"{w['unchecked']} unchecked, last check {w['last_check_after_end_s']} s after"
        )

    def wave_growth():
        few, many = measured(COST_FEW, 8), measured(COST_MANY, 8)
        ratio = many["cpu_ms"] / few["cpu_ms"]
        return ratio <= 1.2, (
            f"{ratio:.2f}x ({many['cpu_ms']:.2f} vs {few['cpu_ms']:.2f} ms CPU per comment)"
        )

    def admin(label):
        row = measured(label, 1)
        return row["p99_ms"] < 300, f"p99 {row['p99_ms']} ms"

    check("through nginx, article @200 c=8: >= 50% of the static file, p99 < 20 ms", through_nginx)
    check(
        f"approval visible to cookieless readers through nginx <= {FRESHNESS_LIMIT:.0f} s",
        freshness,
    )
    check("without proxy, article @200 comments c=8: >= 80% of trivial req/s", article_at_200)
    check("2,000 comments cost <= 1.5x the 10-comment cost (c=8)", growth)
    for label in ("If-None-Match", "If-Modified-Since"):
        check(f"304 by {label} >= 80% of trivial req/s", lambda label=label: revalidation(label))
    check("comment POST CPU <= 10x the trivial view's, spam check included (c=8)", post_cpu)
    check(
        f"comment POST p99 < 150 ms at c=8, Akismet at {AKISMET_DELAY * 1000:.0f} ms", post_latency
    )
    check(
        f"every comment checked within {CHECK_DEADLINE:.0f} s at {TRICKLE_RATE}/s "
        "(docker compose's default task workers)",
        queue,
    )
    check(
        "spam wave: readers through nginx keep >= 80% of their throughput alone, 0 errors; "
        f"every comment stored once and checked within {WAVE_CHECKED_WITHIN:.0f} s of the end",
        wave,
    )
    check(f"a comment on a post with {MANY:,} comments costs <= 1.2x one with {FEW}", wave_growth)
    for label in ("admin: moderation queue", "admin: spam", "admin: dashboard"):
        check(f"{label} p99 < 300 ms (c=1)", lambda label=label: admin(label))
    return checks


def reference(bench: Bench, row: dict) -> dict | None:
    """Return the row `row` is compared with: nginx's static file, or /healthz."""
    if row["floor"].startswith("nginx"):
        return next((r for r in bench.rows if r["label"] == NGINX_STATIC), None)
    floors = {r["c"]: r for r in bench.rows if r["label"] == HEALTHZ}
    return floors.get(row["c"]) or floors.get(8)


def report(bench: Bench, checks: list[dict], info: dict) -> None:
    print()
    print(
        f"{'measurement':<46}{'c':>4}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'/floor':>8}"
        f"{'cpu ms':>8}{'/floor':>8}"
    )
    print("-" * 98)
    for row in bench.rows:
        ref = reference(bench, row) or row
        row["ratio"] = round(row["rps"] / ref["rps"], 3) if ref["rps"] else None
        row["cpu_ratio"] = round(row["cpu_ms"] / ref["cpu_ms"], 2) if ref["cpu_ms"] else None
        print(
            f"{row['label']:<46}{row['c']:>4}{row['rps']:>8.0f}{row['p50_ms']:>8.2f}"
            f"{row['p99_ms']:>8.2f}{row['ratio'] or 0:>8.2f}{row['cpu_ms']:>8.2f}"
            f"{row['cpu_ratio'] or 0:>8.1f}"
        )
    growth = [r for r in bench.rows if r["c"] == 8 and r["label"].startswith("article, ")]
    rows = {
        n: next((r for r in growth if r["label"] == f"article, {n} comments"), None) for n in STAGES
    }
    # A stage that completed no request has no cost to compare.
    if all(row and row["requests"] and row["cpu_ms"] for row in rows.values()):
        bench.extra["growth"] = {
            n: {
                "cpu": round(rows[n]["cpu_ms"] / rows[STAGES[0]]["cpu_ms"], 2),
                "rps": round(rows[STAGES[0]]["rps"] / rows[n]["rps"], 2),
            }
            for n in STAGES
        }
        print(
            "\nGrowth, cost per request at c=8 relative to 10 comments (CPU; by requests/s): "
            + ", ".join(
                f"{n}: {g['cpu']:.2f}x ({g['rps']:.2f}x)" for n, g in bench.extra["growth"].items()
            )
        )
    print(
        "/floor: requests/s (then CPU per request) divided by /healthz's at the same "
        "concurrency (c=8 for the others); rows through nginx are divided by nginx serving the "
        "article's bytes as a static file. cpu ms: server CPU per request (gunicorn, task "
        "workers, nginx and their PostgreSQL backends), which holds when other work shares the "
        "machine; the comment POST's includes its spam check in a task worker."
    )
    print(
        "Comments are posted with their own address in X-Forwarded-For (TRUSTED_PROXY_HOPS=1, "
        "as behind the production proxy), so every rule, the flood window included, stays on."
    )
    print()
    for item in checks:
        verdict = {True: "PASS", False: "MISS", None: "----"}[item["pass"]]
        print(f"{verdict}  {item['target']}: {item['figure']}")
    RESULTS.write_text(
        json.dumps(
            {**info, "rows": bench.rows, "targets": checks, **bench.extra},
            indent=2,
            default=str,
        )
        + "\n"
    )
    print(f"\nWrote {RESULTS.relative_to(ROOT)}")


def print_markdown() -> None:
    """Print the last runs (results.json, import_results.json) as docs/performance.md's tables."""
    from bench import wordpress_import

    if RESULTS.exists():
        print_stack_markdown()
        print()
    wordpress_import.print_markdown()


def print_stack_markdown() -> None:
    results = json.loads(RESULTS.read_text())
    m = results["machine"]
    g = results["gunicorn"]
    print(
        f"{results['when']}: {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB; gunicorn "
        f"{g['worker_class']} x{g['workers']}, {results['task_workers']} task workers, "
        f"nginx {results.get('nginx', '')}, {results['seconds_per_run']:.0f} s per wrk run.\n"
    )
    print(
        "| measurement | c | req/s | p50 ms | p99 ms | req/s ÷ floor | CPU ms/req | CPU ÷ floor |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for r in results["rows"]:
        print(
            f"| {r['label']} | {r['c']} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
            f"{r['ratio'] or 0:.2f} | {r['cpu_ms']:.2f} | {r['cpu_ratio'] or 0:.1f} |"
        )
    print()
    for t in results["targets"]:
        verdict = {True: "PASS", False: "MISS", None: "not measured"}[t["pass"]]
        print(f"- **{verdict}** {t['target']}: {t['figure']}")
