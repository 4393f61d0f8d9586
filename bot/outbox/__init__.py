"""Replies leaving the service: the transactional outbox (`queue.py`), their MIME
(`compose.py`, `header_words.py`), and delivery with claims (`sender.py`) over a Maildir or
a relay (`transports.py`)."""
