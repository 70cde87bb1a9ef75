"""The phones (and browsers) a young person uses the app on, each bound to one sign-in they control."""
