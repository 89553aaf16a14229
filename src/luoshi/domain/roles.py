"""Who is acting, and what roles allow: scoped to a region subtree (and optionally to indicators).

Pure rules, no I/O: an ``Actor`` holds resolved grants (the region ids of each grant's subtree)
and answers ``can(action, rid, iid)``; for the task desk it also names the responsible unit the
person acts for.  Without any user configured the local CLI acts as ``Actor.local()``, a single
user allowed everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from luoshi.domain.problems import Refusal

ROLES = ("admin", "reviewer", "reporter", "viewer")
ACTIONS = ("read", "report", "approve", "lock", "unlock", "manage")
ACTION_ZH = {"read": "查看", "report": "报送", "approve": "审核", "lock": "锁定", "unlock": "解锁", "manage": "管理"}
ROLE_ACTIONS = {
    "admin": frozenset(ACTIONS),
    "reviewer": frozenset({"read", "report", "approve"}),
    "reporter": frozenset({"read", "report"}),
    "viewer": frozenset({"read"}),
}
# Approval is by a reviewer of an ancestor region: the grant's own region is excluded.
STRICT_BELOW = frozenset({"approve"})
# Highest state each action may set on an observation.
STATE_ACTION = {"draft": "report", "submitted": "report", "approved": "approve", "locked": "lock"}


@dataclass(frozen=True)
class Grant:
    role: str
    region_code: str
    root_rid: int
    rids: frozenset[int]                 # the subtree, root included
    iids: frozenset[int] | None = None   # None: every indicator


@dataclass
class Actor:
    """A person acting: their grants, and the unit they report and decide for on the task desk.
    An administrator (a superuser, or an admin grant anywhere) may act for any unit."""

    name: str
    grants: list[Grant] = field(default_factory=list)
    superuser: bool = False               # the local single user when no users exist, the demo, the CLI
    token_id: str | None = None
    unit: str | None = None               # the responsible unit (task desk), None for an administrator

    @classmethod
    def local(cls, name: str = "local") -> "Actor":
        return cls(name, superuser=True)

    def acts_for(self, unit: str | None) -> bool:
        """Whether this person may act as ``unit`` (a task's lead or supervising unit)."""
        return self.is_admin or (self.unit is not None and self.unit == unit)

    def refusal(self, action: str, action_zh: str) -> Refusal:
        """The refusal of ``action`` (said in English and Chinese) to this person (403 on the web,
        exit 3 in the CLI)."""
        return Refusal("not-permitted", 403, user=self.name, action=action, action_zh=action_zh)

    def can(self, action: str, rid: int | None = None, iid: int | None = None) -> bool:
        if self.superuser:
            return True
        for g in self.grants:
            if action not in ROLE_ACTIONS[g.role]:
                continue
            if rid is not None:
                if rid not in g.rids:
                    continue
                if action in STRICT_BELOW and g.role != "admin" and rid == g.root_rid:
                    continue
            if iid is not None and g.iids is not None and iid not in g.iids:
                continue
            return True
        return False

    def rids(self, action: str) -> set[int] | None:
        """Region ids where ``action`` is allowed (None: everywhere)."""
        if self.superuser:
            return None
        out: set[int] = set()
        for g in self.grants:
            if action in ROLE_ACTIONS[g.role]:
                out |= g.rids - ({g.root_rid} if action in STRICT_BELOW and g.role != "admin" else set())
        return out

    def iids(self, action: str) -> set[int] | None:
        """Indicator ids where ``action`` is allowed somewhere (None: no indicator restriction)."""
        if self.superuser:
            return None
        out: set[int] = set()
        for g in self.grants:
            if action in ROLE_ACTIONS[g.role]:
                if g.iids is None:
                    return None
                out |= g.iids
        return out

    def require(self, action: str, rid: int | None = None, iid: int | None = None, target: str = "",
                target_zh: str = "") -> None:
        if not self.can(action, rid, iid):
            raise self.refusal(f"{action} {target}".strip(), f"{ACTION_ZH[action]}{target_zh}")

    @property
    def is_admin(self) -> bool:
        return self.superuser or any(g.role == "admin" for g in self.grants)
