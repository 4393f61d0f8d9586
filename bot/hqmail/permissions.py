"""HQ staff, their roles and what each role may do (R-HQ-1, R-HQ-5).

One check for every channel: `partnerdesk case … --as` and a command by mail both ask
`StaffDirectory.refusal` before the action runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# The HQ roles in Russian, for refusals a staff member reads.
ROLE_NAMES = {
    "ceo": "генеральный директор",
    "deputy_ceo": "заместитель генерального директора",
    "deputy_science": "заместитель генерального директора по науке",
    "dir_methodology": "директор по методологии",
    "dir_software_dev": "директор по разработке ПО",
    "curator": "куратор партнеров",
    "service_desk": "Service Desk",
    "accounting": "бухгалтерия",
    "admin": "администратор",
}


@dataclass(frozen=True, slots=True)
class StaffDirectory:
    staff: frozenset[str]
    # role → addresses (hq.roles)
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # action → roles allowed (hq.permissions); an action not listed is open to all staff.
    permissions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        staff: Iterable[str],
        roles: Mapping[str, Iterable[str]],
        permissions: Mapping[str, Iterable[str]],
    ) -> StaffDirectory:
        return cls(
            frozenset(a.lower() for a in staff),
            {role: tuple(a.lower() for a in addrs) for role, addrs in roles.items()},
            {action: tuple(allowed) for action, allowed in permissions.items()},
        )

    def is_staff(self, address: str) -> bool:
        return address.lower() in self.staff

    def roles_of(self, address: str) -> tuple[str, ...]:
        address = address.lower()
        return tuple(sorted(role for role, addrs in self.roles.items() if address in addrs))

    def refusal(self, action: str, actor: str) -> str | None:
        """Why `actor` may not perform `action`, or None when it may (R-HQ-1, R-HQ-5)."""
        actor = actor.lower()
        if actor not in self.staff:
            return f"{actor} is not HQ staff (hq.staff); nothing was changed"
        allowed = self.permissions.get(action)
        if not allowed:
            return None
        held = self.roles_of(actor)
        if set(held) & set(allowed):
            return None
        mine = ", ".join(held) if held else "no role in hq.roles"
        return (
            f"{action} is allowed only to the roles {', '.join(allowed)} (hq.permissions); "
            f"{actor} has {mine}. Ask one of them to act, or give {actor} one of these roles "
            "in hq.roles; nothing was changed"
        )
