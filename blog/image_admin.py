"""The editors' image library: upload, alt text, and the Markdown to paste into a post."""

from django import forms
from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .images import prepare_image, save_new, too_large_message
from .models import Image


class ImageUploadForm(forms.ModelForm):
    """Check the upload exactly as `blog.images.store_image()` does."""

    class Meta:
        model = Image
        fields = ["file", "alt"]
        help_texts = {
            "file": _("JPEG, PNG, GIF or WebP. It is checked and saved anew, without its metadata.")
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.prepared = prepare_image(upload, upload.name)
        return upload


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "alt", "markdown_to_copy", "dimensions", "uploaded_at"]
    list_display_links = ["thumbnail", "alt"]
    search_fields = ["alt", "file"]
    date_hierarchy = "uploaded_at"
    list_select_related = ["uploaded_by"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ImageUploadForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["file", "alt"]
        return ["preview", "markdown_to_copy", "alt", "dimensions", "uploaded_at", "uploaded_by"]

    def get_readonly_fields(self, request, obj=None):
        # A stored image is never replaced: posts point at its address. Upload a new one.
        if obj is None:
            return []
        return ["preview", "markdown_to_copy", "dimensions", "uploaded_at", "uploaded_by"]

    def add_view(self, request, form_url="", extra_context=None):
        # nginx refused a bigger upload before Django saw it, and asks for this page instead.
        too_large = request.method == "GET" and "too-large" in request.GET
        if too_large:
            self.message_user(request, too_large_message(), messages.ERROR)
        response = super().add_view(request, form_url, extra_context)
        if too_large:
            response.status_code = 413
        return response

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            obj.uploaded_by = request.user
            save_new(obj, form.prepared)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            _("Paste this into a post's body to show the image: %(markdown)s")
            % {"markdown": obj.markdown()},
            messages.SUCCESS,
        )
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description=_("image"))
    def thumbnail(self, image):
        # The library shows the 150x150 crop (blog.renditions), never the original.
        src = image.thumbnail_url
        if src == image.url:
            return self._shown(image, src, 96)
        return render_to_string(
            "admin/blog/image/thumbnail.html",
            {"image": image, "src": src, "width": 96, "height": 96},
        )

    @admin.display(description=_("preview"))
    def preview(self, image):
        return self._shown(image, image.url, 480)

    def _shown(self, image, src, longest):
        scale = min(1, longest / max(image.width, image.height))
        width, height = max(1, round(image.width * scale)), max(1, round(image.height * scale))
        return render_to_string(
            "admin/blog/image/thumbnail.html",
            {"image": image, "src": src, "width": width, "height": height},
        )

    @admin.display(description=_("Markdown for a post"))
    def markdown_to_copy(self, image):
        return render_to_string("admin/blog/image/markdown.html", {"image": image})

    @admin.display(description=_("size"))
    def dimensions(self, image):
        return f"{image.width} x {image.height}"
