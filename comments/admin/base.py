class ModeratesComments:
    """Gate admin actions with `permissions=["moderate"]` on the can_moderate permission."""

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.can_moderate")
