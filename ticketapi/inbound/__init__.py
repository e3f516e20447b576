"""Email in: ticket email accounts, every inbound message stored raw, then parsed and filed."""
