"""The help desk's own settings, which admins change (`/api/v1/settings`)."""
