"""After a route or page has recorded something in the outbox (in its own transaction): wake the relay, so it
publishes now rather than at its next poll."""

from __future__ import annotations

from fastapi import Request


def wake_relay(request: Request) -> None:
    """Tell the app's outbox relay there is something to publish (an app without one, in tests, has none)."""
    relay = getattr(request.app.state, "relay", None)
    if relay is not None:
        relay.wakeup.set()
