"""Tickets: status rules, messages, attachments, history, merging."""
