"""A reader's data request, across every app: look it up, export it, erase it, record it.

What each app keeps is registered with `core.personal_data`; these admin pages (mounted on
an app's ModelAdmin, which names the permission they need as `data_request_permission`)
and `manage.py export_comments` / `erase_comments` serve the whole request through it. Each
export or erasure is recorded by the apps that keep a log (`core.personal_data.record`),
counting what was handled and never naming the person.
"""

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import personal_data


class LookupForm(forms.Form):
    email = forms.EmailField(label=_("Reader's email address"), max_length=254)


class DataRequests:
    """The data-request pages, for the ModelAdmin that offers them to its editors."""

    data_request_permission: str  # "app_label.codename", set by the ModelAdmin

    def get_urls(self):
        view = self.admin_site.admin_view
        urls = [
            path("data-requests/", view(self.data_request_view), name="comments_data_request"),
            path(
                "data-requests/export/",
                view(require_POST(self._for_an_email(self.data_export_view))),
                name="comments_data_export",
            ),
            path(
                "data-requests/erase/",
                view(require_POST(self._for_an_email(self.data_erase_view))),
                name="comments_data_erase",
            ),
        ]
        return urls + super().get_urls()

    def _refusal(self, request):
        """Return a 403 page saying which permission these pages need, or None if held."""
        # An answer rather than PermissionDenied: an editor who follows a link here gets a
        # page that says why, and the console no traceback.
        if request.user.has_perm(self.data_request_permission):
            return None
        return self._data_page(request, "not_allowed.html", status=403, title=_("Data requests"))

    def _for_an_email(self, act):
        """Wrap an action on one reader's data: the permission first, then a valid address,
        else the lookup page again with the form's errors."""

        def view(request):
            if refused := self._refusal(request):
                return refused
            form = self._request_form(request)
            if not form.is_valid():
                return self.data_request_view(request)
            return act(request, form, form.cleaned_data["email"])

        return view

    def _request_form(self, request):
        return LookupForm(request.POST or request.GET or None)

    def _data_page(self, request, template, status=200, **context):
        return TemplateResponse(
            request,
            f"admin/data_requests/{template}",
            {**self.admin_site.each_context(request), "opts": self.opts, **context},
            status=status,
        )

    def data_request_view(self, request):
        """Look up an email address: say what is stored about it and offer export and erasure."""
        if refused := self._refusal(request):
            return refused
        form = self._request_form(request)
        held = personal_data.held(form.cleaned_data["email"]) if form.is_valid() else None
        return self._data_page(
            request,
            "lookup.html",
            status=400 if form.errors else 200,
            title=_("Data requests"),
            form=form,
            held=None if held is None else personal_data.describe(held),
        )

    def data_export_view(self, request, form, email):
        """Download everything stored about an email address, as JSON."""
        personal_data.record("Export", personal_data.held(email), request.user)
        response = HttpResponse(
            json.dumps(personal_data.export(email), indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="comments-data.json"'
        return response

    def data_erase_view(self, request, form, email):
        """Confirm, then erase everything stored about an email address."""
        held = personal_data.held(email)
        if request.POST.get("confirm") != "yes":
            return self._data_page(
                request,
                "erase_confirm.html",
                title=_("Erase this reader's data?"),
                form=form,
                held=personal_data.describe(held),
                email=email,
            )
        personal_data.record("Erasure", held, request.user)
        erased = personal_data.erase(email)
        self.message_user(
            request,
            gettext("Erased %(what)s.") % {"what": personal_data.describe(erased)},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:comments_data_request"))
