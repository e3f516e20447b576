"""SLAs: first-response, resolution and waiting-time targets counted in working hours."""
