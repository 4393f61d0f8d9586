"""The letters the service writes for a case, handed to the Applier as one writer
(`writer.py`): partner replies (`partner.py`), the letters of timers and HQ actions
(`case.py`), HQ notices and alerts (`hq.py`), and what their templates read of a case
(`context.py`)."""
