"""The version for the visually impaired: profile, middleware, views and template context.

- `profile.Profile`: the visitor's choices (font size, colour scheme, images, letter
  spacing, line height, font, whether the panel is unfolded), read from one cookie of
  allow-listed values; anything else falls back to the default.
- `middleware.AccessibilityMiddleware` puts it on `request.accessibility` and adds
  `Vary: Cookie` to every response.
- `context_processors.accessibility` gives templates `a11y` (the profile) and
  `a11y_classes` (for `<html class>`); `templates/includes/a11y_panel.html` is the panel.
- `views.set_profile` (`/<lang>/a11y/set/?fs=150&next=...`) is the only response that
  sets the cookie.

A page cache must key on the language and `request.accessibility.cache_key_part()`, and
must never store a response that carries Set-Cookie. Every `<img>` on a public page goes
through `templates/includes/image.html`, so that the "images hidden" mode can show its
text alternative in its place.
"""
