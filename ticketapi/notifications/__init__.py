"""Notifications to agents: what happened to a ticket, mailed to the agents it concerns."""
