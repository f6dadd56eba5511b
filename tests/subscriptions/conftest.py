import pytest

from comments.workflow import moves
from comments.workflow import writer as workflow


@pytest.fixture
def approve(editor, django_capture_on_commit_callbacks):
    """Approve comments as an editor's bulk action does, running what it queues on commit."""

    def run(*comments, move=moves.APPROVE):
        with django_capture_on_commit_callbacks(execute=True):
            return workflow.apply_move([c.pk for c in comments], move, editor)

    return run


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://blog.example"
