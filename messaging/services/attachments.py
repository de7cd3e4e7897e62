"""Photos and PDFs sent with a message: checked by what the bytes are, not by
their name or the browser's claim, and stored privately under a random name.

The check reads the file's signature (its first bytes) in pure Python, so
no system library is needed: JPEG, PNG, HEIC/HEIF (phone photos), WebP and
PDF. Anything else is refused with a message that says what is accepted.
"""

import logging
from contextlib import contextmanager
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from messaging.models import Attachment

logger = logging.getLogger(__name__)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
ACCEPTED = "a photo (JPEG, PNG, HEIC or WebP) or a PDF"
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"}


def sniff_content_type(head: bytes) -> str | None:
    """The real type of a file from its first bytes, or None if not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "image/heic"
    return None


def attachment_check(upload) -> tuple[str, bytes]:
    """(content type, bytes) of an acceptable upload, or a ValidationError."""
    name = getattr(upload, "name", "") or "the file"
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"attachments": f"{name} is larger than 10 MB; "
                                              "send a smaller photo or PDF."})
    data = upload.read()
    content_type = sniff_content_type(data[:32])
    if content_type is None:
        raise ValidationError({"attachments": f"{name} is not {ACCEPTED}. "
                                              "Only photos and PDFs can be attached."})
    return content_type, data


def attachments_check(uploads) -> list[tuple[object, str, bytes]]:
    """Check every upload before anything is stored, so a bad one stores nothing."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": f"Attach at most {MAX_ATTACHMENTS} files."})
    return [(upload, *attachment_check(upload)) for upload in uploads]


def attachment_store(*, message, upload, saved_files=None) -> Attachment:
    """Store one checked upload ((upload, content type, bytes) from attachments_check).

    The file is written at once, inside the caller's transaction; its name is
    added to `saved_files` so `files_removed_on_rollback` can delete it if the
    rows are rolled back."""
    original, content_type, data = upload
    attachment = Attachment(practice_id=message.practice_id, message=message,
                            content_type=content_type, size=len(data),
                            original_name=(getattr(original, "name", "") or "")[-200:])
    attachment.file.save("upload", ContentFile(data), save=False)
    if saved_files is not None:
        saved_files.append(attachment.file.name)
    attachment.save()
    return attachment


@contextmanager
def files_removed_on_rollback():
    """Wrap a `transaction.atomic()` block that stores attachments: yields a list for
    `attachment_store(saved_files=...)`; if the block fails (its rows are rolled
    back), the files it wrote are deleted. An outer transaction that rolls back
    later is caught by `attachment_orphans_sweep`."""
    saved: list[str] = []
    try:
        yield saved
    except BaseException:
        for name in saved:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("could not delete the rolled-back attachment file %s", name)
        raise


ORPHAN_AGE = timedelta(hours=1)


def attachment_orphans_sweep(*, older_than=ORPHAN_AGE, now=None) -> int:
    """Delete attachment files that no Attachment row points at (written inside a
    transaction that rolled back after they were saved). Only files older than
    `older_than` are touched, so a transaction still under way keeps its file.
    Returns how many files were deleted."""
    now = now or timezone.now()
    deleted = 0
    try:
        practice_dirs, _files = default_storage.listdir("messaging")
    except FileNotFoundError:
        return 0
    for practice_dir in practice_dirs:
        folder = f"messaging/{practice_dir}"
        _dirs, names = default_storage.listdir(folder)
        old = [f"{folder}/{name}" for name in names
               if now - default_storage.get_modified_time(f"{folder}/{name}") > older_than]
        if not old:
            continue
        # Orphans are any practice's: the sweep reads every practice on purpose.
        kept = set(Attachment.objects.filter(file__in=old).values_list("file", flat=True))
        for name in old:
            if name not in kept:
                default_storage.delete(name)
                deleted += 1
    if deleted:
        logger.info("deleted %s attachment files no row points at", deleted)
    return deleted
