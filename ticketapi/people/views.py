"""Routes for users, organizations, usergroups, agents and teams."""

from __future__ import annotations

from apiflask import APIBlueprint

from ticketapi.api import SECURED
from ticketapi.auth import resets
from ticketapi.auth.current import current_actor, current_token
from ticketapi.auth.schemas import MessageOut
from ticketapi.core.transactions import commit
from ticketapi.pagination import PageArgs, page_of, paginate
from ticketapi.people import schemas, services, staff
from ticketapi.timeutil import utcnow

bp = APIBlueprint("people", __name__, url_prefix="/api/v1", tag="People")


# Users


@bp.get("/users")
@bp.input(schemas.UserFilter, location="query")
@bp.output(page_of(schemas.UserOut))
@bp.doc(summary="List users (agents)", **SECURED)
def list_users(query_data):
    page, per_page = query_data.pop("page"), query_data.pop("per_page")
    return paginate(services.users_query(current_actor(), **query_data), page, per_page)


@bp.post("/users")
@bp.input(schemas.UserIn)
@bp.output(schemas.UserOut, status_code=201)
@bp.doc(summary="Create a user (crm.edit)", **SECURED)
def create_user(json_data):
    return commit(services.create_user(current_actor(), now=utcnow(), **json_data))


@bp.get("/users/<int:user_id>")
@bp.output(schemas.UserOut)
@bp.doc(summary="Get a user (agents, or the user themselves)", **SECURED)
def get_user(user_id: int):
    return services.get_user(current_actor(), user_id)


@bp.patch("/users/<int:user_id>")
@bp.input(schemas.UserPatch)
@bp.output(schemas.UserOut)
@bp.doc(summary="Change a user (crm.edit)", **SECURED)
def update_user(user_id: int, json_data):
    return commit(services.update_user(current_actor(), user_id, json_data, now=utcnow()))


@bp.post("/users/<int:user_id>/password-reset")
@bp.output(MessageOut, status_code=202)
@bp.doc(
    summary="Mail the user a link to set their password (crm.edit); nobody else sets it",
    **SECURED,
)
def send_password_link(user_id: int):
    user = resets.send_link_to_user(current_actor(), user_id, now=utcnow())
    commit()
    return {"message": f"We have mailed {user.email} a link to set a password (1 hour, once)."}


# Organizations


@bp.get("/organizations")
@bp.input(PageArgs, location="query")
@bp.output(page_of(schemas.OrganizationOut))
@bp.doc(summary="List organizations (agents)", **SECURED)
def list_organizations(query_data):
    return paginate(services.organizations_query(current_actor()), **query_data)


@bp.post("/organizations")
@bp.input(schemas.OrganizationIn)
@bp.output(schemas.OrganizationOut, status_code=201)
@bp.doc(summary="Create an organization (crm.edit)", **SECURED)
def create_organization(json_data):
    return commit(services.create_organization(current_actor(), **json_data))


@bp.get("/organizations/<int:org_id>")
@bp.output(schemas.OrganizationOut)
@bp.doc(summary="Get an organization (agents, or its members)", **SECURED)
def get_organization(org_id: int):
    return services.get_organization(current_actor(), org_id)


@bp.patch("/organizations/<int:org_id>")
@bp.input(schemas.OrganizationPatch)
@bp.output(schemas.OrganizationOut)
@bp.doc(summary="Change an organization (crm.edit)", **SECURED)
def update_organization(org_id: int, json_data):
    return commit(services.update_organization(current_actor(), org_id, json_data))


# Usergroups


@bp.get("/usergroups")
@bp.input(PageArgs, location="query")
@bp.output(page_of(schemas.UsergroupOut))
@bp.doc(summary="List usergroups (agents)", **SECURED)
def list_usergroups(query_data):
    return paginate(services.usergroups_query(current_actor()), **query_data)


@bp.post("/usergroups")
@bp.input(schemas.UsergroupIn)
@bp.output(schemas.UsergroupOut, status_code=201)
@bp.doc(summary="Create a usergroup (crm.edit)", **SECURED)
def create_usergroup(json_data):
    return commit(services.save_usergroup(current_actor(), json_data))


@bp.get("/usergroups/<int:group_id>")
@bp.output(schemas.UsergroupOut)
@bp.doc(summary="Get a usergroup (agents)", **SECURED)
def get_usergroup(group_id: int):
    return services.get_usergroup(current_actor(), group_id)


@bp.patch("/usergroups/<int:group_id>")
@bp.input(schemas.UsergroupPatch)
@bp.output(schemas.UsergroupOut)
@bp.doc(summary="Change a usergroup (crm.edit)", **SECURED)
def update_usergroup(group_id: int, json_data):
    return commit(services.save_usergroup(current_actor(), json_data, group_id))


# Agents


@bp.get("/agents")
@bp.input(PageArgs, location="query")
@bp.output(page_of(schemas.AgentOut))
@bp.doc(summary="List agents (agents)", **SECURED)
def list_agents(query_data):
    return paginate(staff.agents_query(current_actor()), **query_data)


@bp.post("/agents")
@bp.input(schemas.AgentIn)
@bp.output(schemas.AgentOut, status_code=201)
@bp.doc(summary="Add an agent (admins)", **SECURED)
def create_agent(json_data):
    return commit(staff.create_agent(current_actor(), json_data, now=utcnow()))


@bp.get("/agents/<int:agent_id>")
@bp.output(schemas.AgentOut)
@bp.doc(summary="Get an agent (agents)", **SECURED)
def get_agent(agent_id: int):
    return staff.get_agent(current_actor(), agent_id)


@bp.patch("/agents/<int:agent_id>")
@bp.input(schemas.AgentPatch)
@bp.output(schemas.AgentOut)
@bp.doc(summary="Change an agent, their teams and permissions (admins)", **SECURED)
def update_agent(agent_id: int, json_data):
    token = current_token()
    changed = staff.update_agent(
        current_actor(),
        agent_id,
        json_data,
        now=utcnow(),
        keep_token_id=token.id if token is not None else None,
    )
    return commit(changed)


# Teams


@bp.get("/teams")
@bp.input(PageArgs, location="query")
@bp.output(page_of(schemas.TeamOut))
@bp.doc(summary="List teams (agents)", **SECURED)
def list_teams(query_data):
    return paginate(staff.teams_query(current_actor()), **query_data)


@bp.post("/teams")
@bp.input(schemas.TeamIn)
@bp.output(schemas.TeamOut, status_code=201)
@bp.doc(summary="Create a team (admins)", **SECURED)
def create_team(json_data):
    return commit(staff.save_team(current_actor(), json_data))


@bp.get("/teams/<int:team_id>")
@bp.output(schemas.TeamOut)
@bp.doc(summary="Get a team (agents)", **SECURED)
def get_team(team_id: int):
    return staff.get_team(current_actor(), team_id)


@bp.patch("/teams/<int:team_id>")
@bp.input(schemas.TeamPatch)
@bp.output(schemas.TeamOut)
@bp.doc(summary="Change a team (admins)", **SECURED)
def update_team(team_id: int, json_data):
    return commit(staff.save_team(current_actor(), json_data, team_id))


@bp.delete("/teams/<int:team_id>")
@bp.output({}, status_code=204)
@bp.doc(summary="Delete a team no open ticket, SLA or setting depends on (admins)", **SECURED)
def delete_team(team_id: int):
    staff.delete_team(current_actor(), team_id)
    commit()
    return ""
