"""People: users, organizations, usergroups, agents and teams."""
