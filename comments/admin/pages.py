"""The comment admin's own pages: one-click moderation (a row's button, and the link in the
editors' email), Undo, "Empty spam/trash" and "Check all awaiting a spam check"."""

import re

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import moves, purge, queue, tasks, workflow
from ..models import Comment, Status
from . import moderation, undo


def checks_queued(n: int) -> str:
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


class ModerationViews:
    """Add the moderation pages to the comment admin."""

    def get_urls(self):
        urls = [
            path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(self.moderate_view),
                {"move": name},
                name=f"comments_comment_{name}",
            )
            for name in moves.MOVES
        ]
        urls.append(
            path(
                "empty/",
                self.admin_site.admin_view(require_POST(self.empty_view)),
                name="comments_comment_empty",
            )
        )
        urls.append(
            path(
                "undo/",
                self.admin_site.admin_view(require_POST(self.undo_view)),
                name="comments_comment_undo",
            )
        )
        urls.append(
            path(
                "check-all/",
                self.admin_site.admin_view(require_POST(self.check_all_view)),
                name="comments_comment_check_all",
            )
        )
        return urls + super().get_urls()

    def _answer(self, request, said, back, status=200, **data):
        """Tell the editor what happened: as messages on the page `back` redirects to, or as
        JSON for the queue's script (`comments/queue.js`), which shows it in the row."""
        if wants_json(request):
            return JsonResponse(
                {"messages": [str(text) for text, _level in said], **data}, status=status
            )
        for text, level in said:
            self.message_user(request, text, level)
        return HttpResponseRedirect(back)

    def moderate_view(self, request, object_id, move):
        """GET asks "Approve this comment?"; POST does it."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(self.get_queryset(request), pk=comment_id(object_id))
        move = moves.MOVES[move]
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
        if not self.has_moderate_permission(request):
            raise PermissionDenied
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
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        ids = list(Comment.objects.awaiting_check().values_list("pk", flat=True))
        workflow.request_checks(ids, "recheck_queue")
        self.message_user(request, checks_queued(len(ids)), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))

    def empty_view(self, request):
        """Delete the spam or trash the editor saw on the page, and nothing that came later."""
        if not (self.has_moderate_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        try:
            status, ids = purge.folder_seen(request.POST.get("mark", ""))
        except signing.BadSignature:
            self.message_user(
                request, _("That page was too old; please try again."), messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
        deleted = tasks.run_or_hand_off(tasks.empty_folder, ids, status, request.user.pk)
        if deleted is None:
            message = tasks.background_message(_t("Deleting"), len(ids))
        else:
            message = ngettext(
                "%(n)d comment deleted permanently from %(folder)s.",
                "%(n)d comments deleted permanently from %(folder)s.",
                deleted,
            ) % {"n": deleted, "folder": Status(status).label.lower()}
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:comments_comment_changelist") + "?" + urlencode({"status": status})
        )


def wants_json(request) -> bool:
    """Whether the queue's script asked (a browser's own form post prefers HTML)."""
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def comment_id(object_id: str) -> int:
    """Return the comment id a URL names, or raise Http404 when it cannot be one."""
    # At most 18 digits: every such number fits PostgreSQL's bigint.
    if not re.fullmatch(r"[0-9]{1,18}", object_id):
        raise Http404(_t("No comment has that id."))
    return int(object_id)
