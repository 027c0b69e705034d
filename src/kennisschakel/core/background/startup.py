"""What a `kennisschakel worker` prepares when it starts, contributed by the apps.

The worker (core/management/commands/worker.py) runs every hook registered here before
it takes its first task, with the queues it takes and whether it is a ``--batch`` run.
A hook prepares what its queue's tasks need (the files app starts the PDF rendering
processes) and returns a line for the worker to print, or None.
"""

from collections.abc import Callable

StartupHook = Callable[[list[str], bool], str | None]

_HOOKS: dict[str, StartupHook] = {}


def register(name: str) -> Callable[[StartupHook], StartupHook]:
    """Add (or replace, by name) a hook; apps call this from ``AppConfig.ready()``."""

    def decorate(hook: StartupHook) -> StartupHook:
        _HOOKS[name] = hook
        return hook

    return decorate


def takes_queue(queues: list[str], name: str) -> bool:
    return name in queues or "*" in queues


def run_all(queues: list[str], batch: bool) -> list[str]:
    """Run every hook in registration order; the lines they report."""
    return [line for hook in _HOOKS.values() if (line := hook(queues, batch))]
