"""The owner's Site settings page: name, tagline, time zone and icon (django-solo's admin)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from solo.admin import SingletonModelAdmin

from .site import ICON_FIELDS, TIME_ZONES, SiteSettings
from .site_icons import make_icons


class SiteSettingsForm(forms.ModelForm):
    icon = forms.ImageField(
        label=_("Site icon"),
        required=False,
        help_text=_(
            "A square image, at least 48 pixels wide (512 is best): the browser tab's icon "
            "and the phones' home-screen icon."
        ),
    )
    remove_icon = forms.BooleanField(label=_("Remove the site icon"), required=False)

    class Meta:
        model = SiteSettings
        fields = ["name", "tagline", "time_zone"]
        widgets = {"time_zone": forms.Select(choices=[("", "—"), *((z, z) for z in TIME_ZONES)])}

    def clean_icon(self):
        upload = self.cleaned_data["icon"]
        self.icons = make_icons(upload) if upload else None
        return upload

    def save(self, commit=True):
        settings_row = super().save(commit=False)
        if self.icons:
            for field, data in self.icons.items():
                setattr(settings_row, field, data)
        elif self.cleaned_data.get("remove_icon"):
            for field in ICON_FIELDS:
                setattr(settings_row, field, b"")
        if commit:
            settings_row.save()
        return settings_row


@admin.register(SiteSettings)
class SiteSettingsAdmin(SingletonModelAdmin):
    form = SiteSettingsForm
    fields = ["name", "tagline", "time_zone", "current_icon", "icon", "remove_icon"]
    readonly_fields = ["current_icon"]

    @admin.display(description=_("Current icon"))
    def current_icon(self, obj):
        return _("Set: /favicon.ico and /apple-touch-icon.png") if obj.has_icon else _("None")
