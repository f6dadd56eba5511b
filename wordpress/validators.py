# Migration 0005 names the validator here; it lives with old links now (redirects).
from redirects.validators import is_site_path, validate_site_path  # noqa: F401
