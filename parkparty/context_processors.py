from parkparty.access import scope_of


def access(request):
    """The user's scope, so the base layout can show navigation by role."""
    return {"scope": scope_of(getattr(request, "user", None))}
