"""ticketapi: the dynamic half of the helpdesk (tickets, people, the JSON API)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from apiflask import APIFlask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from ticketapi import config as configuration
from ticketapi import errors, extensions, http_headers, json_body, rate_limits
from ticketapi.auth import browser
from ticketapi.core.ids import MAX_ID
from ticketapi.errors import NotFound

API_TITLE = "Helpdesk API"
API_VERSION = "1"


class RowIdConverter(IntegerConverter):
    """`<int:…>`: digits too many for int() (over 4,300) still match the route, then 404."""

    def to_python(self, value: str) -> int:
        if len(value) > len(str(MAX_ID)):
            return MAX_ID + 1  # refused by refuse_impossible_ids, whatever the method
        return super().to_python(value)


def refuse_impossible_ids(_endpoint: str | None, values: dict | None) -> None:
    """An id in a URL beyond a database integer is simply not found (never a 500)."""
    for value in (values or {}).values():
        if isinstance(value, int) and value > MAX_ID:
            raise NotFound("There is no such thing: that id is out of range.")


def create_app(config: Mapping | None = None) -> APIFlask:
    """Create the ticketapi: configuration from HELPDESK_* variables, then `config` on top."""
    settings = configuration.from_environ(overrides=config)
    Path(settings["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)
    app = APIFlask(
        __name__,
        title=API_TITLE,
        version=API_VERSION,
        spec_path="/api/v1/openapi.json",
        # The interactive docs pages load their scripts from a CDN: off, the spec is enough.
        docs_path=None,
        instance_path=settings["INSTANCE_DIR"],
    )
    app.config.update(settings)
    app.config.update(errors.OPENAPI_SETTINGS)
    if proxies := app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.url_map.converters["int"] = RowIdConverter
    app.url_value_preprocessor(refuse_impossible_ids)
    extensions.init_app(app)
    browser.init_app(app)
    errors.init_app(app)
    rate_limits.init_app(app, extensions.limiter)
    json_body.init_app(app)
    http_headers.init_app(app)
    register_subscribers(app)  # first: they add to the ticket API the views describe
    register_blueprints(app)
    return app


def register_subscribers(app: APIFlask) -> None:
    # Like the blueprints, imported here: the `helpdesk` command loads this package for its
    # commands, without the domains.
    from ticketapi import subscriptions

    subscriptions.init_app(app)


def register_blueprints(app: APIFlask) -> None:
    from ticketapi.agent import errors as agent_errors
    from ticketapi.agent.pages import bp as agent
    from ticketapi.auth.views import bp as auth
    from ticketapi.community.views import bp as community
    from ticketapi.inbound.views import bp as inbound
    from ticketapi.jobs.views import bp as jobs
    from ticketapi.notifications.views import bp as notifications
    from ticketapi.people.views import bp as people
    from ticketapi.portal import errors as portal_errors
    from ticketapi.portal.accounts import bp as portal_accounts
    from ticketapi.portal.confirmation import bp as portal_confirmation
    from ticketapi.portal.views import bp as portal
    from ticketapi.search.views import bp as search
    from ticketapi.settings.views import bp as desk_settings
    from ticketapi.slas.views import bp as slas
    from ticketapi.snippets.views import bp as snippets
    from ticketapi.tasks.views import bp as tasks
    from ticketapi.tickets.views import bp as tickets

    blueprints = (
        auth,
        people,
        tickets,
        community,
        snippets,
        tasks,
        jobs,
        inbound,
        slas,
        notifications,
        desk_settings,
        search,
        portal,
        portal_accounts,
        portal_confirmation,
        agent,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    # Where people browse, errors are pages of their family; everywhere else, JSON.
    portal_errors.init_app(app)
    agent_errors.init_app(app)
    if app.config.get("SERVE_PORTAL"):
        from ticketapi.site import bp as site

        app.register_blueprint(site)
