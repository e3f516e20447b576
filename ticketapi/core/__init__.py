"""What every domain shares: its errors, row look-ups, access checks and commits.

Each piece lives in its own small module, imported by name (`ticketapi.core.rows`): this
package imports none of them itself, so `core.ids` stays free of the database and the app.
"""
