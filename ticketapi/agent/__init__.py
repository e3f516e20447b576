"""The agents' pages under /agent/ (issue #14 brings the workspace; errors are pages now)."""
