from ..moderators import is_moderator


class ModeratesComments:
    """Gate admin actions with `permissions=["moderate"]` on the can_moderate permission."""

    def has_moderate_permission(self, request):
        return is_moderator(request.user)
