"""Authentication: passwords, bearer tokens, API keys and the current actor."""
