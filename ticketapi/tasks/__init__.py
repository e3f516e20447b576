"""Tasks: agents' to-dos, assigned to an agent or a team, perhaps linked to a ticket."""
