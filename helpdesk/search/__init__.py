"""Full-text search of the portal: the whoosh index the build writes and the queries on it.

Pelican-independent: `plugins/search_index` hands documents to `index_documents`, and the
ticketapi answers searches with `search(open_reader(folder), query, ...)`.
"""
