from .profile import Profile


def accessibility(request):
    profile = getattr(request, "accessibility", None) or Profile()
    return {"a11y": profile, "a11y_classes": profile.css_classes()}
