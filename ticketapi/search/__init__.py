"""Search: the portal's full-text search over the build's index, and deflections counted."""
