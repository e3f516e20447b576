"""Mail: outbound messages queued after the commit and sent by a job (SMTP or a folder)."""
