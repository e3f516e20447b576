"""The agent's queues: named filters of the ticket list service, shown in every sidebar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ticketapi.people.models import Agent


@dataclass(frozen=True)
class Queue:
    key: str
    name: str
    filters: dict[str, Any]


def queues_for(agent: Agent) -> list[Queue]:
    """Their own tickets, the unassigned, each of their teams', the ones they follow."""
    found = [
        Queue("mine", "My tickets", {"agent_id": agent.id}),
        Queue("unassigned", "Unassigned", {"agent_id": 0}),
    ]
    found += [Queue(f"team-{team.id}", team.name, {"team_id": team.id}) for team in agent.teams]
    found.append(Queue("following", "Following", {"following": "me"}))
    return found
