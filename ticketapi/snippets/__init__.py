"""Snippets: canned replies with placeholders, shared or personal to one agent."""
