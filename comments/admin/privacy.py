"""Data-subject requests in the admin: look up an email address, export it, erase it.

Only staff with `comments.handle_data_requests` see these pages. Each export or erasure is
recorded as a `CommentEvent` that counts what was handled and never names the person.
"""

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import privacy

PERMISSION = "comments.handle_data_requests"


class LookupForm(forms.Form):
    email = forms.EmailField(label=_("Reader's email address"), max_length=254)


class DataRequests:
    """The data-request pages of `CommentAdmin`."""

    def get_urls(self):
        view = self.admin_site.admin_view
        urls = [
            path("data-requests/", view(self.data_request_view), name="comments_data_request"),
            path(
                "data-requests/export/",
                view(require_POST(self.data_export_view)),
                name="comments_data_export",
            ),
            path(
                "data-requests/erase/",
                view(require_POST(self.data_erase_view)),
                name="comments_data_erase",
            ),
        ]
        return urls + super().get_urls()

    def _refusal(self, request):
        """Return a 403 page saying which permission these pages need, or None if held."""
        # An answer rather than PermissionDenied: an editor who follows a link here gets a
        # page that says why, and the console no traceback.
        if request.user.has_perm(PERMISSION):
            return None
        return self._data_page(request, "not_allowed.html", status=403, title=_("Data requests"))

    def _request_form(self, request):
        return LookupForm(request.POST or request.GET or None)

    def _data_page(self, request, template, status=200, **context):
        return TemplateResponse(
            request,
            f"admin/comments/data_requests/{template}",
            {**self.admin_site.each_context(request), "opts": self.opts, **context},
            status=status,
        )

    def data_request_view(self, request):
        """Look up an email address: say what is stored about it and offer export and erasure."""
        if refused := self._refusal(request):
            return refused
        form = self._request_form(request)
        held = privacy.data_held(form.cleaned_data["email"]) if form.is_valid() else None
        return self._data_page(
            request,
            "lookup.html",
            status=400 if form.errors else 200,
            title=_("Data requests"),
            form=form,
            held=None if held is None else privacy.held_text(held),
        )

    def data_export_view(self, request):
        """Download everything stored about an email address, as JSON."""
        if refused := self._refusal(request):
            return refused
        form = self._request_form(request)
        if not form.is_valid():
            return self.data_request_view(request)
        email = form.cleaned_data["email"]
        privacy.record_request("Export", privacy.data_held(email), request.user)
        response = HttpResponse(
            json.dumps(privacy.export_person(email), indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="comments-data.json"'
        return response

    def data_erase_view(self, request):
        """Confirm, then erase everything stored about an email address."""
        if refused := self._refusal(request):
            return refused
        form = self._request_form(request)
        if not form.is_valid():
            return self.data_request_view(request)
        email = form.cleaned_data["email"]
        held = privacy.data_held(email)
        if request.POST.get("confirm") != "yes":
            return self._data_page(
                request,
                "erase_confirm.html",
                title=_("Erase this reader's data?"),
                form=form,
                held=privacy.held_text(held),
                email=email,
            )
        privacy.record_request("Erasure", held, request.user)
        erased = privacy.erase_person(email)
        self.message_user(
            request,
            ngettext("Erased %(n)d comment.", "Erased %(n)d comments.", erased) % {"n": erased},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:comments_data_request"))
