"""The editor's desk in the comment list: row buttons, Reply, Approve and reply, Quick edit.

Each row's buttons submit the changelist's own form (its CSRF token) to the one-click views
the notification email links to, so they run the same workflow as the bulk actions. Reply
renders the article's comment form (`comments/form.html`) and Quick edit a small form; both
are pages of their own, which `comments/desk.js` opens inline under the row.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from blog.bylines import display_name
from comments.admin import moderation
from comments.admin.pages import comment_id, next_url
from comments.intake import policy, replies
from comments.intake.forms import CommentForm
from comments.models import Comment
from comments.moderation import queue
from comments.rules.statuses import DELETABLE, QUEUE
from comments.workflow import edits, moves


def row_moves(status) -> list:
    """Return the moves a comment's row offers: those that apply to its status, in order.

    A comment thrown out is not moved between spam and trash from its row: it is restored,
    or deleted for good (WordPress's spam row has no Trash either).
    """
    return [
        move
        for move in moves.MOVES.values()
        if status in move.from_statuses and not (status in DELETABLE and move.to in DELETABLE)
    ]


# WordPress's keyboard shortcuts for a row's moves (comments/shortcuts.js; r and q are links).
SHORTCUTS = {"approve": "a", "spam": "s", "trash": "d", "unapprove": "u"}


class QuickEditForm(forms.ModelForm):
    """What the reader wrote, labelled as the reader's form labels it."""

    required_css_class = "required"
    author_url = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Comment
        fields = edits.EDITABLE
        labels = {"author_name": _("Name"), "author_email": _("Email"), "content": _("Comment")}
        widgets = {"content": forms.Textarea(attrs={"rows": 6, "cols": 60})}

    def __init__(self, *args, instance, **kwargs):
        # Ids of the comment's own: the form opens inside the list, beside other rows' forms.
        kwargs.setdefault("auto_id", f"quick-edit-{instance.pk}-%s")
        super().__init__(*args, instance=instance, label_suffix="", **kwargs)


class EditorsDesk:
    """Row actions, replies and quick edits for `CommentAdmin`."""

    @cached_property
    def move_url_names(self) -> dict:
        """Return each move's one-click page by the move's name, as `get_urls` names it."""
        return {
            url.default_args["move"].name: f"{self.admin_site.name}:{url.name}"
            for url in self.get_urls()
            if "move" in url.default_args
        }

    def row_actions(self, request, comment) -> dict:
        """Return what a row's one-click buttons and Reply and Quick edit links need."""
        query = urlencode({"next": request.get_full_path()})

        def url(name):
            return f"{reverse(name, args=[comment.pk])}?{query}"

        status = comment.status
        return {
            "buttons": [
                {
                    "url": url(self.move_url_names[move.name]),
                    "label": move.row_label,
                    "name": move.name,
                    "key": SHORTCUTS.get(move.name),
                }
                for move in row_moves(status)
            ],
            "delete_url": url("admin:comments_comment_delete_permanently")
            if status in DELETABLE
            else "",
            "reply_url": url("admin:comments_comment_reply") if status in replies.REPLYABLE else "",
            "approve_reply_url": url("admin:comments_comment_approve_reply")
            if status in QUEUE
            else "",
            "edit_url": url("admin:comments_comment_quick_edit") if status not in DELETABLE else "",
        }

    @admin.display(description=_("Moderate"))
    def moderate_links(self, comment) -> str:
        """Offer the comment's page the moves that apply to it, and Reply."""
        available = [m for m in moves.MOVES.values() if comment.status in m.from_statuses]
        return render_to_string(
            "admin/comments/comment/moderate_links.html",
            {
                "comment": comment,
                "moves": [
                    {
                        "url": reverse(self.move_url_names[move.name], args=[comment.pk]),
                        "label": move.label,
                    }
                    for move in available
                ],
                "can_reply": comment.status in replies.REPLYABLE,
                "waiting": comment.status in QUEUE,
            },
        )

    def _desk_comment(self, object_id):
        return get_object_or_404(Comment.objects.with_post(), pk=comment_id(object_id))

    def _changelist_url(self):
        return reverse("admin:comments_comment_changelist")

    def _page(self, request, template, comment, status=200, **context):
        return TemplateResponse(
            request,
            f"admin/comments/comment/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "comment": comment,
                "why": queue.why_here(comment),
                **context,
            },
            status=status,
        )

    # Reply and "Approve and reply" ---------------------------------------------------------

    def reply_view(self, request, object_id, approve=False):
        """Show the article's comment form for a reply; store the reply as the editor's."""
        parent = self._desk_comment(object_id)
        back = next_url(request, self._changelist_url())
        if parent.status not in replies.REPLYABLE:
            self.message_user(
                request,
                _("You can't reply to a comment in %s; restore it first.")
                % parent.get_status_display().lower(),
                messages.WARNING,
            )
            return HttpResponseRedirect(back)
        was_waiting = parent.status in QUEUE
        if request.method == "POST":
            result = replies.reply_as_editor(parent, request.POST, request.META, request.user)
            if result.stored:
                if was_waiting:
                    self.message_user(request, moves.APPROVE.message(1), messages.SUCCESS)
                self.message_user(
                    request,
                    _("Your reply to %(name)s is published.") % {"name": parent.author_name},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(back)
            form, error, status = result.form, result.message, result.status_code
        else:
            form = CommentForm(
                initial={
                    "author": display_name(request.user),
                    "email": request.user.email,
                }
            )
            error, status = "", 200
        approves = approve or was_waiting
        return self._page(
            request,
            "reply.html",
            parent,
            status=status if status != 302 else 200,
            title=_("Approve and reply") if approves else _("Reply"),
            approves=approves,
            # The article's own form, given what the article's template tag gives it.
            post=parent.post,
            form=form,
            comment_error=error,
            reply_to=parent,
            form_ts=policy.form_timestamp(parent.post),
            akismet_notice=bool(settings.AKISMET_API_KEY),
            form_action=request.get_full_path(),
            cancel_url=back,
            # An editor is signed in: the form carries Django's CSRF token, as on the article.
            signed_in=True,
            # A reader's own boxes (save in this browser, notify me) are not the editor's.
            editor=True,
        )

    # Quick edit ----------------------------------------------------------------------------

    def quick_edit_view(self, request, object_id):
        """Edit what the reader wrote; the workflow records it and has Akismet look again."""
        comment = self._desk_comment(object_id)
        back = next_url(request, self._changelist_url())
        form = QuickEditForm(request.POST or None, instance=comment)
        if request.method == "POST" and form.is_valid():
            edits.record_edit(comment, form.changed_data, request.user)
            self.message_user(
                request,
                _("Comment by %(name)s saved.") % {"name": comment.author_name}
                if form.changed_data
                else _t("Nothing changed."),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(back)
        return self._page(
            request,
            "quick_edit.html",
            comment,
            status=400 if form.errors else 200,
            title=_("Quick edit"),
            form=form,
            form_action=request.get_full_path(),
            cancel_url=back,
        )

    # Delete permanently, one comment --------------------------------------------------------

    def delete_one_view(self, request, object_id):
        """Delete one spam or trash comment for good, as the bulk action does."""
        comment = self._desk_comment(object_id)
        if not self.has_delete_permission(request, comment):
            raise PermissionDenied
        done = moderation.delete(request, [comment.pk])
        self.message_user(request, done.message(), done.level)
        return HttpResponseRedirect(next_url(request, self._changelist_url()))
