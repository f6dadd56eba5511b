from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from . import export, runs, tasks
from .forms import ImportForm, SizeLimit, too_large_message
from .models import ImportedItem, ImportRun


@admin.register(ImportedItem)
class ImportedItemAdmin(admin.ModelAdmin):
    list_display = ["kind", "wp_id", "object_id", "imported_at"]
    list_filter = ["kind"]
    search_fields = ["=wp_id", "=object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Uploaded WordPress exports: the upload page, and each run's progress and summary."""

    list_display = ["file_name", "state", "started", "created_at", "finished_at"]
    list_filter = ["state"]
    list_select_related = ["started_by"]
    change_list_template = "admin/wordpress/importrun/change_list.html"
    # Runs are deleted one at a time, from their page: a bulk delete could take a running one.
    actions = None

    @admin.display(description=_("started by"), ordering="started_by")
    def started(self, run):
        if run.from_command:
            return "manage.py import_wordpress"
        return run.started_by or _("someone since deleted")

    def get_queryset(self, request):
        # The upload can be tens of megabytes; no page here shows it.
        return super().get_queryset(request).defer("upload", "uploads_zip")

    def get_urls(self):
        upload = self.admin_site.admin_view(self.import_view)
        retry = self.admin_site.admin_view(self.retry_view)
        download = self.admin_site.admin_view(self.export_view)
        return [
            path("import/", upload, name="wordpress_importrun_import"),
            path("export/", download, name="wordpress_importrun_export"),
            path("<path:object_id>/retry/", retry, name="wordpress_importrun_retry"),
            *super().get_urls(),
        ]

    # Whoever may start an import may follow it; nobody edits a run by hand.
    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self.has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    # A finished, failed or still waiting run may go (with its upload); a running one not.
    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.state != ImportRun.State.RUNNING)

    def changelist_view(self, request, extra_context=None):
        runs.fail_stale()
        return super().changelist_view(request, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:wordpress_importrun_import")

    @method_decorator(csrf_exempt)
    def import_view(self, request):
        """Show the upload form; a valid upload becomes a run, imported by the worker."""
        # Django's documented order: the upload handler goes in before anything reads the
        # body, and the CSRF check, which reads it, runs after, inside.
        limit = SizeLimit(
            request,
            settings.WORDPRESS_IMPORT_MAX_BYTES,
            {"uploads": settings.WORDPRESS_UPLOADS_MAX_BYTES},
        )
        request.upload_handlers.insert(0, limit)
        return self.upload(request, limit)

    @method_decorator(csrf_protect)
    def upload(self, request, limit):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES, size_limit=limit)
            if form.is_valid():
                try:
                    run = self.start(request, form.cleaned_data)
                except runs.Busy as busy:
                    form.add_error("file", busy_message(busy.run))
                else:
                    return redirect("admin:wordpress_importrun_change", run.pk)
        else:
            form = ImportForm()
        under_way = runs.active() if request.method != "POST" else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import from WordPress"),
            "form": form,
            # The proxy stops a bigger upload before Django sees it, and shows this page
            # with ?too-large instead (deploy/nginx/templates/blog-site.inc.template).
            "too_large": too_large_message(form.limit) if "too-large" in request.GET else "",
            "runs_url": reverse("admin:wordpress_importrun_changelist"),
            "under_way": under_way,
        }
        return TemplateResponse(request, "admin/wordpress/importrun/import.html", context)

    @transaction.atomic
    def start(self, request, cleaned) -> ImportRun:
        run = runs.begin(
            request.user,
            cleaned["file"],
            cleaned["authors"],
            uploads_zip=cleaned["uploads"],
            fetch_images=cleaned["fetch_images"],
            fetch_hosts=cleaned["fetch_hosts"],
        )
        self.log_addition(request, run, [{"added": {}}])
        transaction.on_commit(lambda: tasks.import_upload.enqueue(run.pk))
        return run

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Show the run: its progress, refreshing itself until it ends; then its result."""
        runs.fail_stale()
        run = self.get_object(request, object_id)
        if run is None:
            raise Http404
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import of %(file)s") % {"file": run.file_name},
            "run": run,
            "import_url": reverse("admin:wordpress_importrun_import"),
            "can_retry": self.has_add_permission(request) and runs.retryable(run),
            "can_delete": self.has_delete_permission(request, run),
        }
        return TemplateResponse(request, "admin/wordpress/importrun/run.html", context)

    def export_view(self, request):
        """Send the whole site as a WordPress export, written as it goes out."""
        # It holds every commenter's email and IP address: the site's owners only.
        if not request.user.is_superuser:
            raise PermissionDenied
        personal_data = request.GET.get("personal_data") != "no"
        response = StreamingHttpResponse(
            export.stream(personal_data=personal_data),
            content_type="application/rss+xml; charset=utf-8",
        )
        name = f"{slugify(settings.SITE_NAME) or 'site'}.wordpress.{timezone.localdate()}.xml"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @method_decorator(csrf_protect)
    def retry_view(self, request, object_id):
        """Queue a failed run's kept upload again, as a new attempt."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        run = self.get_object(request, object_id)
        if run is None:
            raise Http404
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            with transaction.atomic():
                queued = runs.retry(run)
                if queued:
                    self.log_change(request, run, [{"changed": {"fields": ["state"]}}])
                    transaction.on_commit(lambda: tasks.import_upload.enqueue(run.pk))
        except runs.Busy as busy:
            messages.error(request, busy_message(busy.run))
        else:
            if queued:
                messages.success(request, _("The import is queued again."))
            else:
                messages.error(request, _("Only a failed import whose file was kept can retry."))
        return redirect("admin:wordpress_importrun_change", run.pk)


def busy_message(run: ImportRun) -> str:
    return _(
        "Another import is under way: “%(file)s” (%(state)s). One import runs at a time; "
        "send this file again when that one has ended."
    ) % {"file": run.file_name, "state": run.get_state_display()}
