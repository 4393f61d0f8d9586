"""What every kind's HQ actions share: the request, the refusal, the guards (R-HQ-5)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.rules.decide import CaseView, Decision


class ActionRefused(Exception):
    """The action does not fit the case now; the message says why and what is possible."""


@dataclass(frozen=True, slots=True)
class ActionRequest:
    name: str
    actor: str
    params: dict[str, Any] = field(default_factory=dict)


def require_state(case: CaseView, action: str, states: Collection[str]) -> None:
    """Refuse, naming the states that allow it, when the case is elsewhere (R-HQ-5)."""
    if case.state not in states:
        allowed = ", ".join(sorted(states))
        raise ActionRefused(
            f"{action} is not possible for {case.number} in state {case.state}; "
            f"it is allowed in: {allowed}"
        )


def require_param(request: ActionRequest, name: str) -> Any:
    value = request.params.get(name)
    if value in (None, ""):
        raise ActionRefused(f"{request.name} needs --{name.replace('_', '-')}")
    return value


def run_action(
    handlers: Mapping[str, Callable[..., Decision]],
    case: CaseView,
    request: ActionRequest,
    ctx: Any,
    kind_label: str,
) -> Decision:
    handler = handlers.get(request.name)
    if handler is None:
        raise ActionRefused(
            f"unknown action {request.name!r} for a {kind_label}; its actions: "
            f"{', '.join(sorted(handlers))}"
        )
    return handler(case, request, ctx)
