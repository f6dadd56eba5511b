"""The comment admin's one-click pages: a move (a row's button, and the link in the editors'
email), Undo, "Empty spam/trash", "Check all awaiting a spam check" and "Verify the key now"."""

import re

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments.admin import moderation, undo
from comments.models import Comment
from comments.moderation import queue
from comments.spam import health
from comments.workflow import check_queue, purge
from comments.workflow import writer as workflow


def recheck_message(n: int) -> str:
    return ngettext(
        "%(n)d comment queued for a spam check.", "%(n)d comments queued for a spam check.", n
    ) % {"n": n}


def next_url(request, default: str) -> str:
    """Return where to go back to: the `next` the page sent when it is ours, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class OneClickPages:
    """The comment admin's one-click pages (`CommentAdmin.get_urls` lists them)."""

    def _answer(self, request, said, back, status=200, **data):
        """Tell the editor what happened: as messages on the page `back` redirects to, or as
        JSON for the list's script (`comments/queue.js`), which shows it in the row."""
        if wants_json(request):
            return JsonResponse(
                {"messages": [str(text) for text, _level in said], **data}, status=status
            )
        for text, level in said:
            self.message_user(request, text, level)
        return HttpResponseRedirect(back)

    def move_view(self, request, object_id, move):
        """GET asks "Approve this comment?"; POST does it."""
        comment = get_object_or_404(self.get_queryset(request), pk=comment_id(object_id))
        if request.method == "POST":
            back = next_url(request, reverse("admin:comments_comment_changelist"))
            done = moderation.moderate(request, [comment.pk], move)
            if not done.changed:
                said = _("Nothing changed: the comment is %s.") % comment.get_status_display()
                return self._answer(request, [(said, messages.WARNING)], back, status=409)
            if wants_json(request):
                return self._answer(
                    request,
                    [(move.message(1), messages.SUCCESS)],
                    back,
                    move=move.name,
                    undo=done.undo_token(request),
                    undo_url=reverse("admin:comments_comment_undo"),
                )
            return self._answer(request, [(done.message(request, back), messages.SUCCESS)], back)
        return TemplateResponse(
            request,
            "admin/comments/comment/moderate_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": _("%(action)s this comment?") % {"action": move.label},
                "opts": self.opts,
                "comment": comment,
                "move": move,
                "applies": comment.status in move.from_statuses,
                "why": queue.why_here(comment),
            },
        )

    def undo_view(self, request):
        """Put the comments a move changed back where it found them; say how many went back."""
        back = next_url(request, reverse("admin:comments_comment_changelist"))
        try:
            move, ids, actor_id, since = undo.read(request.POST.get("undo", ""))
        except signing.BadSignature:
            said = [(_("That Undo could not be read."), messages.ERROR)]
            return self._answer(request, said, back, status=400)
        changed = workflow.undo_move(ids, move, actor_id, since, request.user).changed
        said = [
            (
                ngettext(
                    "Undone: %(n)d comment is back where it was.",
                    "Undone: %(n)d comments are back where they were.",
                    changed,
                )
                % {"n": changed},
                messages.SUCCESS if changed else messages.WARNING,
            )
        ]
        left = len(ids) - changed
        if left:
            said.append(
                (
                    ngettext(
                        "%(n)d comment was changed since, and is left as it is.",
                        "%(n)d comments were changed since, and are left as they are.",
                        left,
                    )
                    % {"n": left},
                    messages.WARNING,
                )
            )
        return self._answer(request, said, back, changed=changed, left=left)

    def check_all_view(self, request):
        """Queue a fresh spam check for everything still awaiting one."""
        ids = list(Comment.objects.awaiting_check().values_list("pk", flat=True))
        check_queue.request_checks(ids, "recheck_queue")
        self.message_user(request, recheck_message(len(ids)), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))

    def empty_view(self, request):
        """Delete the spam or trash the editor saw on the page, and nothing that came later."""
        if not self.has_delete_permission(request):
            raise PermissionDenied
        try:
            status, ids = purge.folder_seen(request.POST.get("mark", ""))
        except signing.BadSignature:
            self.message_user(
                request, _("That page was too old; please try again."), messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
        done = moderation.delete(request, ids, folder=status)
        self.message_user(request, done.message(), done.level)
        return HttpResponseRedirect(
            reverse("admin:comments_comment_changelist") + "?" + urlencode({"status": status})
        )

    def verify_key_view(self, request):
        """Ask Akismet about the key now, keep the answer, and say it."""
        answer = health.record_key_check()
        if answer.valid:
            self.message_user(request, _("Akismet accepted the key."), messages.SUCCESS)
        elif answer.valid is False:
            self.message_user(request, _("Akismet rejected the key."), messages.ERROR)
        else:
            self.message_user(
                request, _("Akismet could not be reached: %s") % answer.error, messages.WARNING
            )
        return HttpResponseRedirect(reverse("admin:index"))


def wants_json(request) -> bool:
    """Whether the list's script asked (a browser's own form post prefers HTML)."""
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def comment_id(object_id: str) -> int:
    """Return the comment id a URL names, or raise Http404 when it cannot be one."""
    # At most 18 digits: every such number fits PostgreSQL's bigint.
    if not re.fullmatch(r"[0-9]{1,18}", object_id):
        raise Http404(_t("No comment has that id."))
    return int(object_id)
