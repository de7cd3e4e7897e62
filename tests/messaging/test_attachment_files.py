"""An attachment file written inside a transaction that rolls back does not stay on disk."""

import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from messaging.models import Attachment, Message
from messaging.services import threads
from messaging.services.attachments import attachment_orphans_sweep
from messaging.services.threads import message_receive

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _receive(patient, **extra):
    return message_receive(practice=patient.practice, patient=patient, channel="portal",
                           body="Here is the photo of the rash",
                           attachments=[SimpleUploadedFile("rash.png", PNG)], **extra)


class Boom(Exception):
    pass


def test_a_failure_after_the_file_is_saved_rolls_back_the_rows_and_deletes_the_file(
        practice, patient, private_storage, monkeypatch):
    def fail(thread):
        assert _files(private_storage), "the file was written before the failure"
        raise Boom

    monkeypatch.setattr(threads, "_sync_work_item", fail)

    with pytest.raises(Boom):
        _receive(patient)

    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert _files(private_storage) == []


def test_an_outer_rollback_leaves_an_orphan_that_the_sweep_deletes(
        practice, patient, private_storage):
    kept = _receive(patient).message.attachments.get()
    with pytest.raises(Boom), transaction.atomic():
        _receive(patient, into_thread=kept.message.thread)
        raise Boom  # the caller's transaction rolls back after message_receive returned

    assert Attachment.objects.count() == 1
    assert len(_files(private_storage)) == 2  # the rolled-back one is still on disk
    assert attachment_orphans_sweep() == 0  # too young: a transaction may still be under way
    an_hour_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    for path in private_storage.rglob("*"):
        if path.is_file():
            os.utime(path, (an_hour_ago, an_hour_ago))

    assert attachment_orphans_sweep() == 1
    assert _files(private_storage) == [kept.file.name]
    assert kept.file.open("rb").read() == PNG


def test_the_sweep_with_no_attachment_folder_does_nothing(private_storage):
    assert attachment_orphans_sweep() == 0
