"""An aiosmtpd relay sink on 127.0.0.1 that records what it receives and can be stopped."""

from __future__ import annotations

from aiosmtpd.controller import Controller

from tests.support.ports import free_port


class _Recorder:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 OK"


class RelaySink:
    def __init__(self) -> None:
        self.port = free_port()
        self.recorder = _Recorder()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[tuple[str, list[str], bytes]]:
        return self.recorder.messages

    def start(self) -> None:
        self._controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
