"""Run a coroutine on an event loop of its own, in a thread of its own: a browser test's sync
Playwright, when it ran earlier in the same test worker, leaves an event loop running in the
main thread, where asyncio.run() would refuse to start another."""

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def run_on_own_loop(scenario: Callable[[], Awaitable[T]]) -> T:
    """Return what `scenario()` returns, run with asyncio.run() in a new thread (its error,
    if it raised)."""
    outcome: dict[str, T] = {}
    failure: list[BaseException] = []

    async def main() -> T:
        return await scenario()

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(main())
        except BaseException as exc:  # noqa: BLE001 -- given back to the test's thread
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome["value"]
