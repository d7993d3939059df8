"""The version for the visually impaired: profile, middleware, views and template context."""
