"""The huey consumer as `helpdesk worker` runs it, with the outbox relay beside it."""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask
from huey.consumer import Consumer

from ticketapi.jobs.outbox import relay_pending
from ticketapi.jobs.queue import JobQueue, queue_for
from ticketapi.jobs.runs import prune_runs
from ticketapi.timeutil import utcnow

logger = logging.getLogger(__name__)

# Every job goes through the relay: a mail leaves at most a second (and huey's own polling)
# after its commit. An idle pass is one query on an empty table.
RELAY_INTERVAL = 1.0
PRUNE_INTERVAL = 3600.0


class GracefulConsumer(Consumer):
    """SIGTERM lets running jobs finish, as SIGINT does (huey's own stops at once)."""

    def _handle_stop_signal(self, sig_num, frame) -> None:
        self._logger.info("Received SIGTERM: finishing the running jobs")
        self._received_signal = True
        self._restart = False
        self._graceful = True


class OutboxRelay(threading.Thread):
    """Every second, queue the jobs committed to the outbox (waiting while the queue is down)."""

    def __init__(self, app: Flask, queue: JobQueue, interval: float = RELAY_INTERVAL) -> None:
        super().__init__(name="outbox-relay", daemon=True)
        self.app = app
        self.queue = queue
        self.interval = interval
        self.stopping = threading.Event()
        self.failing = False
        self.pruned_at = 0.0

    def run(self) -> None:
        while True:
            self.relay_once()
            if self.stopping.wait(self.interval):
                return

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=30)

    def relay_once(self) -> int:
        """One pass; a queue or database that cannot be reached is logged once, then retried."""
        with self.app.app_context():
            try:
                relayed = relay_pending(self.queue)
                if time.monotonic() - self.pruned_at > PRUNE_INTERVAL:
                    prune_runs(now=utcnow())
                    self.pruned_at = time.monotonic()
            except Exception as exc:
                if not self.failing:  # said once, not every few seconds
                    logger.warning(
                        "The outbox relay cannot queue jobs (%s: %s); they wait in the outbox "
                        "and it tries again every %.0f s",
                        type(exc).__name__,
                        exc,
                        self.interval,
                    )
                self.failing = True
                return 0
        if self.failing:
            logger.info("The outbox relay queues jobs again")
            self.failing = False
        if relayed:
            logger.info("Relayed %d jobs from the outbox to the queue", relayed)
        return relayed


def run_worker(app: Flask, threads: int) -> None:
    """Run jobs, and relay the outbox, until SIGTERM or SIGINT."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    queue = queue_for(app)
    queue.register_all()
    # An idle SQLite queue is polled at most a second apart (huey's default waits 10 s).
    consumer = GracefulConsumer(queue.huey, workers=threads, max_delay=1.0)
    relay = OutboxRelay(app, queue)
    relay.start()
    try:
        consumer.run()
    finally:
        relay.stop()
        queue.close()
