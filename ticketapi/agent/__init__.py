"""The agents' pages under /agent/ (issue #14): sign-in, the workspace, errors as pages."""
