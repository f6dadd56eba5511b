"""A technical blog moved here reads as code: its `[sourcecode]` blocks show as code blocks."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from blog.models import Post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, databases=["default", "progress"]),
]

# A real WordPress 4.7 export with `[sourcecode language="r"]` blocks (SOURCES.md there).
R_MINING = Path(__file__).resolve().parents[2] / ".." / "shared" / "wxr-wild"
R_MINING = R_MINING / "wp471-2017-rmining-ptbr.xml"


@pytest.fixture
def r_mining(db):
    if not R_MINING.exists():
        pytest.skip(f"the real exports are not here ({R_MINING}): ../shared/ is absent")
    call_command("import_wordpress", str(R_MINING), stdout=StringIO())
    return Post.objects.get(slug="dados-geneticos-grandes-matrizes-e-o-glmnet")


def test_a_real_r_blogs_code_shows_as_code_blocks_with_every_line(live_server, r_mining, page):
    page.goto(f"{live_server.url}{r_mining.get_absolute_url()}")

    blocks = page.locator(".post-body pre > code.language-r")
    expect(blocks).to_have_count(4)
    second = blocks.nth(1)
    assert second.inner_text() == (
        "formula <- as.formula(class ~ .)\n"
        "X = model.matrix(formula, data)\n"
        "model <- cv.glmnet(X, class, standardize=FALSE, family='multinomial', alpha=1, "
        "nfolds=10)"
    )
    # A block of its own, in a fixed-width font, its lines kept as written.
    style = second.evaluate(
        "code => { const s = getComputedStyle(code.parentElement);"
        " return [s.display, s.whiteSpace, s.fontFamily]; }"
    )
    assert style[0] == "block"
    assert style[1] == "pre"
    assert "monospace" in style[2]
    assert page.locator(".post-body pre br, .post-body pre p").count() == 0
    assert "[sourcecode" not in page.locator(".post-body").inner_text()
