"""What tunes the comments is read in one place, `comments/rules/conf.py`, so an operator finds
it."""

import re
from pathlib import Path

import comments

ROOT = Path(comments.__file__).parent
# The environment's COMMENTS_* settings, and the editors' discussion settings row.
READS = re.compile(
    r"settings\.COMMENTS_|DiscussionSettings\.(load|get_solo)\(|discussion\.current\b"
    r"|import current\b|import discussion as"
)
# Where the row itself is kept and read (`current()`), and the one home for reading it.
HOMES = {"rules/conf.py", "rules/discussion.py"}


def test_comment_settings_and_the_discussion_row_are_read_only_through_comments_conf():
    readers = sorted(
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts
        and str(path.relative_to(ROOT)) not in HOMES
        and READS.search(path.read_text())
    )

    assert readers == []
