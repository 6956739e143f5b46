"""The upload size limit, enforced while the request streams in.

Django's stock handlers store every byte sent (in memory, then in a temporary file) before any
form sees the file. ``SizeLimitUploadHandler`` stops reading the request as soon as one file
passes ``UPLOAD_MAX_BYTES``: nothing past the limit is read or stored. The file then reaches
the form as an ``OversizeUpload`` (no content, its size the bytes received), so the form shows
the size message next to the field instead of the page failing. Fields sent after the file are
not read; the form is invalid, so nothing is saved with them missing.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http.multipartparser import MultiPartParser


class OversizeUpload(UploadedFile):
    """A file refused while streaming: its name and the bytes received, no content."""

    truncated = True

    def __init__(self, name, size, content_type=None):
        super().__init__(io.BytesIO(), name=name, content_type=content_type, size=size)

    def read(self, *args, **kwargs):
        # A form that stored this would store an empty file in place of the user's: fail loudly.
        raise ValueError("An upload over UPLOAD_MAX_BYTES has no content to store.")

    def chunks(self, chunk_size=None):
        raise ValueError("An upload over UPLOAD_MAX_BYTES has no content to store.")


class SizeLimitUploadHandler(FileUploadHandler):
    """First in ``FILE_UPLOAD_HANDLERS``: passes chunks on to the storing handlers until a file
    passes the limit, then stops the upload without reading the rest of the request."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.UPLOAD_MAX_BYTES
        self.parsing = False
        self.received = 0
        self.refused = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if self.parsing or self.request is None:
            return None  # the parse below asks again: let it go ahead
        self.parsing = True
        # Parse here, with the same handlers, so a stopped upload can still hand the form a
        # file to refuse (Django's parser returns what it read, without the stopped file).
        parser = MultiPartParser(META, input_data, self.request.upload_handlers, encoding)
        post, files = parser.parse()
        if self.refused:
            field_name, file_name, content_type, received = self.refused
            files.appendlist(field_name, OversizeUpload(file_name, received, content_type))
        return post, files

    def new_file(self, field_name, file_name, content_type, content_length, *args, **kwargs):
        super().new_file(field_name, file_name, content_type, content_length, *args, **kwargs)
        self.received = 0
        if content_length is not None and content_length > self.limit:
            self._stop(content_length)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._stop(self.received)
        return raw_data

    def file_complete(self, file_size):
        return None  # the storing handlers after this one build the file

    def _stop(self, size):
        self.refused = (self.field_name, self.file_name, self.content_type, size)
        # connection_reset: do not read (and throw away) the rest of the body either.
        raise StopUpload(connection_reset=True)
