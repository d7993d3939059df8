from .profile import Profile


def accessibility(request):
    profile = getattr(request, "accessibility", None) or Profile()
    return {
        "a11y": profile,
        "a11y_classes": profile.css_classes(),
        # Where the panel's form leads back to: this page (a view may name another).
        "a11y_next": request.get_full_path(),
    }
