from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site-wide pages and protections"

    def ready(self):
        from .slugs import SlugConverter, SlugPathConverter

        # Before any URLconf is read: blog's and the comments' feeds both route slugs.
        register_converter(SlugConverter, "uslug")
        register_converter(SlugPathConverter, "slugpath")
