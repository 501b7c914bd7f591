"""`python manage.py process_queue`: the worker service's command (slipway.config.ts)."""

import signal

import boto3
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from notes.worker import Consumer


class Command(BaseCommand):
    help = "Consume the SQS queue at QUEUE_URL: one note per message."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="receive one batch, then exit")
        parser.add_argument(
            "--wait-seconds", type=int, default=20, help="SQS long-poll wait, 0 to 20 (default 20)"
        )

    def handle(self, *args, once=False, wait_seconds=20, **options):
        if not settings.QUEUE_URL:
            raise CommandError(
                "QUEUE_URL: not set; Slipway sets it in a worker service's tasks "
                "(locally: export QUEUE_URL=https://sqs.<region>.amazonaws.com/<account>/<queue>)"
            )
        if not 0 <= wait_seconds <= 20:
            raise CommandError(f"--wait-seconds: got {wait_seconds}; SQS allows 0 to 20")
        # Region and credentials come from the task (AWS_REGION, the task role).
        consumer = Consumer(boto3.client("sqs"), settings.QUEUE_URL, wait_seconds)
        # ECS sends SIGTERM on scale-in and deploys: finish the batch in hand, then exit.
        signal.signal(signal.SIGTERM, consumer.stop)
        signal.signal(signal.SIGINT, consumer.stop)
        consumer.run(once=once)
