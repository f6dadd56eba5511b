from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedItem(models.Model):
    """An object that came from a WordPress export, by its WordPress id: imports run twice."""

    class Kind(models.TextChoices):
        AUTHOR = "author", _("Author")
        POST = "post", _("Post or page")
        COMMENT = "comment", _("Comment")
        IMAGE = "image", _("Image")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The old site's address without its scheme (`old.example.com/blog`): two sites' ids
    # overlap, so an id means something only with its site (`wordpress.importer.site_of`).
    source = models.CharField(_("old site"), max_length=300, blank=True)
    wp_id = models.BigIntegerField(_("WordPress id"))
    object_id = models.BigIntegerField(_("our id"))
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported item")
        verbose_name_plural = _("imported items")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "wp_id"], name="imported_item_unique_per_site"
            ),
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="imported_item_object_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.wp_id} → {self.object_id}"


class ImportRun(models.Model):
    """One WordPress export an editor uploaded in the admin (or `manage.py import_wordpress`
    imported), and what importing it did."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for the worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    # Started by `manage.py import_wordpress` on the server, not uploaded in the admin.
    from_command = models.BooleanField(_("from the command line"), default=False)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    file_name = models.CharField(_("file"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("size in bytes"))
    # The upload travels to the worker in the database: in docker-compose.yml the worker is
    # another container, and no volume for uploads is shared with `web` (only the static
    # files are). It is emptied once the import is done, or the file was refused; a run
    # that failed otherwise (a crash, a worker gone) keeps it for Retry, until deleted.
    upload = models.BinaryField(_("uploaded export"), default=b"")
    # The old site's uploads folder, zipped, sent beside the export; kept and emptied with it.
    uploads_zip = models.BinaryField(_("uploads folder (zip)"), default=b"")
    # Whether to fetch the images from the old site, and the hosts besides its own (its CDN,
    # one a line) that the editor confirmed (wordpress.fetching).
    fetch_images = models.BooleanField(_("fetch images from the old site"), default=False)
    fetch_hosts = models.TextField(_("also fetch from"), blank=True)
    images_total = models.PositiveIntegerField(_("images to bring"), default=0)
    images_done = models.PositiveIntegerField(_("images done"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.WAITING)
    items_read = models.PositiveIntegerField(_("items and comments read"), default=0)
    bytes_read = models.PositiveBigIntegerField(_("bytes read"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The worker's sign of life, written every few seconds while it imports (wordpress.runs):
    # a run whose worker died stops getting it, and the sweep marks it failed.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # Each Retry starts a new attempt; a worker writes only to the attempt it claimed.
    attempt = models.PositiveIntegerField(_("attempt"), default=1)
    # The file's authors the editor credited to accounts here: {WordPress login: username}.
    author_map = models.JSONField(_("authors credited to accounts here"), default=dict, blank=True)
    # The summary `import_wordpress` prints, or the one line that says why the file was refused.
    result = models.TextField(_("result"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import from WordPress")
        verbose_name_plural = _("imports from WordPress")
        constraints = [
            # One import at a time: two would fight over the same posts and slugs.
            models.UniqueConstraint(
                fields=["state"], condition=models.Q(state="running"), name="one_running_import"
            ),
        ]

    def __str__(self):
        return self.file_name

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent_read(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.bytes_read / self.file_size) if self.file_size else 0
