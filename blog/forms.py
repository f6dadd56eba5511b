from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    """The search box: any text up to 200 characters (NUL bytes are refused, as everywhere)."""

    q = forms.CharField(label=_("Search posts"), max_length=200, required=False)
