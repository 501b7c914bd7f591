from django.db import models

TITLE_MAX = 200
BODY_MAX = 10_000


class Note(models.Model):
    title = models.CharField(max_length=TITLE_MAX)
    body = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # The SQS message a note came from: SQS delivers at least once, so a redelivered message finds
    # its note instead of creating a second one.
    source_message_id = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["id"]

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "created_at": self.created_at.isoformat(),
        }
