from django.db import models
from django.utils.translation import gettext_lazy as _


class RecurringTask(models.Model):
    """When a recurring task runs next (`core.recurring`): the clock, not a queued run, says."""

    path = models.CharField(_("task"), max_length=200, primary_key=True)
    next_run_at = models.DateTimeField(_("next run"))

    class Meta:
        verbose_name = _("recurring task")
        verbose_name_plural = _("recurring tasks")

    def __str__(self):
        return self.path
