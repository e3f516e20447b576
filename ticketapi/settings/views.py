"""Routes for the help desk's settings: agents read them, admins change them."""

from __future__ import annotations

from apiflask import APIBlueprint

from ticketapi.api import SECURED
from ticketapi.auth.current import current_actor
from ticketapi.core.transactions import commit
from ticketapi.settings import schemas, services
from ticketapi.timeutil import utcnow

bp = APIBlueprint("settings", __name__, url_prefix="/api/v1", tag="Settings")


@bp.get("/settings")
@bp.output(schemas.SettingsOut)
@bp.doc(summary="The help desk's settings (agents)", **SECURED)
def get_settings():
    return services.get_settings(current_actor())


@bp.patch("/settings")
@bp.input(schemas.SettingsPatch)
@bp.output(schemas.SettingsOut)
@bp.doc(summary="Change the help desk's settings (admins)", **SECURED)
def update_settings(json_data):
    return commit(services.change_settings(current_actor(), json_data, now=utcnow()))
