"""Routes for notification settings: your own, or (admins) any agent's."""

from __future__ import annotations

from apiflask import APIBlueprint

from ticketapi.api import SECURED
from ticketapi.auth.current import current_actor
from ticketapi.core.transactions import commit
from ticketapi.notifications import schemas, services

bp = APIBlueprint("notifications", __name__, url_prefix="/api/v1", tag="Notifications")


@bp.get("/agents/me/notifications")
@bp.output(schemas.NotificationSettingsOut)
@bp.doc(summary="Which notifications you get (agents)", **SECURED)
def get_my_settings():
    return services.get_settings(current_actor())


@bp.patch("/agents/me/notifications")
@bp.input(schemas.NotificationSettingsPatch)
@bp.output(schemas.NotificationSettingsOut)
@bp.doc(summary="Switch your notifications on or off (agents)", **SECURED)
def update_my_settings(json_data):
    return commit(services.update_settings(current_actor(), json_data))


@bp.get("/agents/<int:agent_id>/notifications")
@bp.output(schemas.NotificationSettingsOut)
@bp.doc(summary="Which notifications an agent gets (the agent, admins)", **SECURED)
def get_settings(agent_id: int):
    return services.get_settings(current_actor(), agent_id)


@bp.patch("/agents/<int:agent_id>/notifications")
@bp.input(schemas.NotificationSettingsPatch)
@bp.output(schemas.NotificationSettingsOut)
@bp.doc(summary="Switch an agent's notifications on or off (the agent, admins)", **SECURED)
def update_settings(agent_id: int, json_data):
    return commit(services.update_settings(current_actor(), json_data, agent_id))
