"""The desk's one permission gate: who may moderate comments (`comments.rules.moderators`)."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from comments.rules.moderators import is_moderator


class ModeratesComments:
    """Gate the desk's pages (`moderators_only`) and actions (`permissions=["moderate"]`)."""

    def has_moderate_permission(self, request):
        return is_moderator(request.user)

    def moderators_only(self, view):
        """Wrap an admin page so that a signed-in user who may not moderate gets a 403."""

        @wraps(view)
        def gated(request, *args, **kwargs):
            if not self.has_moderate_permission(request):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return gated
