"""`helpdesk smtpd`'s listener run in a thread of the test, on a free loopback port."""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from ticketapi.inbound.smtpd import serve


@contextmanager
def running_smtpd(app: Flask) -> Iterator[int]:
    """The listener serving `app` for the length of the block; yields its port."""
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    ports: queue.Queue[int] = queue.Queue()
    listening = serve(app, host="127.0.0.1", port=0, started=ports.put, stop=stop)
    thread = threading.Thread(target=loop.run_until_complete, args=(listening,), daemon=True)
    thread.start()
    try:
        yield ports.get(timeout=30)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=60)
        loop.close()
