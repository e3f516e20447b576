"""The huey consumer as `helpdesk worker` runs it."""

from __future__ import annotations

import logging

from flask import Flask
from huey.consumer import Consumer

from ticketapi.jobs.queue import queue_for


class GracefulConsumer(Consumer):
    """SIGTERM lets running jobs finish, as SIGINT does (huey's own stops at once)."""

    def _handle_stop_signal(self, sig_num, frame) -> None:
        self._logger.info("Received SIGTERM: finishing the running jobs")
        self._received_signal = True
        self._restart = False
        self._graceful = True


def run_worker(app: Flask, threads: int) -> None:
    """Run jobs until SIGTERM or SIGINT."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    queue = queue_for(app)
    queue.register_all()
    # An idle SQLite queue is polled at most a second apart (huey's default waits 10 s).
    consumer = GracefulConsumer(queue.huey, workers=threads, max_delay=1.0)
    try:
        consumer.run()
    finally:
        queue.close()
