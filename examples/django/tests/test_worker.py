"""The queue worker, against botocore's Stubber (no SQS here: calls are checked against the SQS
API model and answered from the test) and the real database.

- A valid message becomes a note and is deleted from the queue.
- A redelivered message (same MessageId) does not create a second note, and is deleted.
- An invalid message is left on the queue (no delete: SQS retries it, then dead-letters it), and
  the rest of the batch is still handled.
- `process_queue --once` receives one batch from QUEUE_URL and exits; without QUEUE_URL it fails
  naming the variable.
"""

import json
from unittest import mock

import boto3
import pytest
from botocore.stub import Stubber
from django.core.management import CommandError, call_command
from django.test import override_settings

from notes.models import Note
from notes.worker import Consumer

QUEUE = "https://sqs.us-east-1.amazonaws.com/111111111111/notes-worker"

pytestmark = pytest.mark.django_db


def sqs():
    client = boto3.client(
        "sqs", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    return client, Stubber(client)


def message(n: int, body) -> dict:
    text = body if isinstance(body, str) else json.dumps(body)
    return {"MessageId": f"m-{n}", "ReceiptHandle": f"r-{n}", "Body": text}


def expect_batch(stub: Stubber, messages: list, deleted: list, wait: int = 20) -> None:
    stub.add_response(
        "receive_message",
        {"Messages": messages},
        {"QueueUrl": QUEUE, "MaxNumberOfMessages": 10, "WaitTimeSeconds": wait},
    )
    for handle in deleted:
        stub.add_response("delete_message", {}, {"QueueUrl": QUEUE, "ReceiptHandle": handle})


def test_valid_messages_become_notes_and_leave_the_queue():
    client, stub = sqs()
    expect_batch(stub, [message(1, {"title": "from mail", "body": "hi"}), message(2, {"title": "b"})], ["r-1", "r-2"])
    with stub:
        assert Consumer(client, QUEUE).poll_once() == 2
    stub.assert_no_pending_responses()
    assert list(Note.objects.values_list("title", "body", "source_message_id")) == [
        ("from mail", "hi", "m-1"),
        ("b", "", "m-2"),
    ]


def test_a_redelivered_message_creates_one_note():
    client, stub = sqs()
    expect_batch(stub, [message(1, {"title": "once"})], ["r-1"])
    expect_batch(stub, [message(1, {"title": "once"})], ["r-1"])
    with stub:
        consumer = Consumer(client, QUEUE)
        consumer.poll_once()
        consumer.poll_once()
    stub.assert_no_pending_responses()
    assert Note.objects.count() == 1


def test_an_invalid_message_stays_on_the_queue_and_the_batch_goes_on():
    client, stub = sqs()
    expect_batch(stub, [message(1, "not json"), message(2, {"title": ""}), message(3, {"title": "ok"})], ["r-3"])
    with stub:
        assert Consumer(client, QUEUE).poll_once() == 1
    stub.assert_no_pending_responses()
    assert list(Note.objects.values_list("title", flat=True)) == ["ok"]


def test_process_queue_once_consumes_one_batch_from_queue_url():
    client, stub = sqs()
    expect_batch(stub, [message(1, {"title": "queued"})], ["r-1"], wait=0)
    # The test's transaction must survive: the loop would close a connection inside a transaction.
    with (
        stub,
        mock.patch("notes.management.commands.process_queue.boto3.client", return_value=client) as make,
        mock.patch("notes.worker.close_old_connections") as close,
    ):
        call_command("process_queue", "--once", "--wait-seconds", "0")
    make.assert_called_once_with("sqs")
    close.assert_called_once_with()
    stub.assert_no_pending_responses()
    assert Note.objects.get().title == "queued"


@override_settings(QUEUE_URL="")
def test_process_queue_without_queue_url_names_the_variable():
    with pytest.raises(CommandError, match="^QUEUE_URL: not set"):
        call_command("process_queue", "--once")
