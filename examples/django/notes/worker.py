"""The queue worker's logic: receive from SQS, create a note per message, delete what succeeded.

A message is a JSON note (`{"title": "...", "body": "..."}`). A message that fails (invalid, or the
database down) is not deleted: SQS delivers it again after the queue's visibility timeout, and
moves it to the dead-letter queue after `queue.maxReceiveCount` receives.
"""

import json
import logging

from django.db import close_old_connections, transaction

from .models import Note
from .validation import clean_note

log = logging.getLogger(__name__)


def handle_message(message_id: str, body: str) -> Note:
    """The note for one message; a redelivered message returns the note it created the first time."""
    title, text = clean_note(json.loads(body))
    with transaction.atomic():
        note, _ = Note.objects.get_or_create(
            source_message_id=message_id, defaults={"title": title, "body": text}
        )
    return note


class Consumer:
    """Long-polls one queue; `stop()` (on SIGTERM) ends the loop after the current batch."""

    def __init__(self, client, queue_url: str, wait_seconds: int = 20):
        self.client = client
        self.queue_url = queue_url
        self.wait_seconds = wait_seconds
        self.stopped = False

    def stop(self, *_args) -> None:
        self.stopped = True

    def poll_once(self) -> int:
        """Receives one batch and handles it; returns how many messages succeeded."""
        response = self.client.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=self.wait_seconds
        )
        done = 0
        for message in response.get("Messages", []):
            try:
                handle_message(message["MessageId"], message["Body"])
            except Exception:
                # Left on the queue: retried after the visibility timeout, then dead-lettered.
                log.exception("message %s failed; SQS will deliver it again", message["MessageId"])
                continue
            self.client.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
            done += 1
        return done

    def run(self, once: bool = False) -> None:
        while not self.stopped:
            # As Django does around each request: drop a connection that broke or outlived
            # CONN_MAX_AGE, so a database failover does not fail every later message.
            close_old_connections()
            self.poll_once()
            if once:
                break
