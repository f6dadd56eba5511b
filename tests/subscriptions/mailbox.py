"""A real SMTP server for the tests (aiosmtpd), and reading links out of what it receives."""

import email
import errno
import re
import threading
import time
from email import policy

from aiosmtpd.controller import Controller

from devstack.stack import free_port

READY_TIMEOUT = 15
LINK = re.compile(r"https?://\S+/comments/subscriptions/(confirm|unsubscribe)/[^/\s]+/")


class Inbox:
    """Collect every message the SMTP server accepts."""

    def __init__(self):
        self.messages = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]

    def wait_for(self, address: str, count: int = 1, timeout: float = 30.0) -> list:
        """Return the messages to `address` once there are `count` of them."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.to(address)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{count} message(s) to {address} never arrived")
                self._arrived.wait(left)
        return self.to(address)

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def link(self, message, kind: str) -> str:
        """Return the confirm or unsubscribe link written in a message's text."""
        for match in LINK.finditer(self.body(message)):
            if match.group(1) == kind:
                return match.group(0)
        raise AssertionError(f"no {kind} link in:\n{self.body(message)}")

    @staticmethod
    def one_click(message) -> str:
        """Return the URL of a message's List-Unsubscribe header (unfolded)."""
        return "".join(str(message["List-Unsubscribe"]).split()).strip("<>")


def start_smtp_server(attempts: int = 3):
    """Start a real SMTP server on a free port; return its inbox and its controller."""
    inbox = Inbox()
    while True:
        attempts -= 1
        # A loaded machine can take seconds to start the server's thread (aiosmtpd waits 5 s).
        controller = Controller(
            inbox, hostname="127.0.0.1", port=free_port(), ready_timeout=READY_TIMEOUT
        )
        try:
            controller.start()
        except OSError as error:
            # Another process took the port between our choosing it and aiosmtpd binding it.
            if error.errno != errno.EADDRINUSE or not attempts:
                raise
            continue
        return inbox, controller
