"""Comment ids in ascending batches, for the workflow's set-based steps (moves, deletion)."""

BATCH_SIZE = 1000


def id_batches(comments):
    """Yield ids in ascending batches: from a queryset (one query per batch) or a list."""
    if isinstance(comments, list | tuple):
        for start in range(0, len(comments), BATCH_SIZE):
            yield list(comments[start : start + BATCH_SIZE])
        return
    ids = comments.order_by("pk").values_list("pk", flat=True)
    last = 0
    while batch := list(ids.filter(pk__gt=last)[:BATCH_SIZE]):
        yield batch
        last = batch[-1]
