"""Organizations claim email domains; only verified addresses join them."""

from __future__ import annotations

import pytest

from ticketapi.extensions import db
from ticketapi.people.models import User


@pytest.fixture
def crm(world):
    return world.agent("Cora", permissions=["crm.edit"])


def test_verified_user_joins_the_organization_of_their_domain(world, crm):
    org = world.organization("Acme", domains=["acme.example"])
    response = world.post(
        "/api/v1/users", crm, json={"email": "ann@acme.example", "name": "Ann", "verified": True}
    )
    assert response.status_code == 201, response.json
    assert response.json["organization_id"] == org.id


def test_unverified_address_does_not_join(world, crm):
    world.organization("Acme", domains=["acme.example"])
    response = world.post("/api/v1/users", crm, json={"email": "ann@acme.example", "name": "Ann"})
    assert response.json["organization_id"] is None


def test_public_submission_from_a_claimed_domain_does_not_join(world):
    world.organization("Acme", domains=["acme.example"])
    world.post(
        "/api/v1/tickets",
        json={"name": "Mallory", "email": "mallory@acme.example", "subject": "S", "message": "M"},
    )
    user = db.session.scalar(db.select(User))
    assert (user.verified, user.organization_id) == (False, None)


def test_verifying_later_joins_and_the_tickets_to_come_belong_to_it(world, crm):
    org = world.organization("Acme", domains=["acme.example"])
    user_id = world.post(
        "/api/v1/users", crm, json={"email": "ann@acme.example", "name": "Ann"}
    ).json["id"]
    verified = world.patch(f"/api/v1/users/{user_id}", crm, json={"verified": True})
    assert verified.json["organization_id"] == org.id


def test_changing_email_makes_it_unverified(world, crm):
    world.organization("Acme", domains=["acme.example"])
    user_id = world.post(
        "/api/v1/users", crm, json={"email": "ann@acme.example", "name": "Ann", "verified": True}
    ).json["id"]
    changed = world.patch(f"/api/v1/users/{user_id}", crm, json={"email": "ann@elsewhere.example"})
    assert changed.json["verified"] is False


def test_domains_are_claimed_once(world, crm):
    world.organization("Acme", domains=["acme.example"])
    response = world.post(
        "/api/v1/organizations", crm, json={"name": "Acme Two", "email_domains": ["ACME.example"]}
    )
    assert response.status_code == 409
    assert "acme.example" in response.json["error"]["message"]
    assert response.json["error"]["fields"] == {
        "email_domains": "acme.example is claimed by organization 1"
    }


def test_organization_domains_are_validated_and_replaced(world, crm):
    org_id = world.post(
        "/api/v1/organizations", crm, json={"name": "Acme", "email_domains": ["acme.example"]}
    ).json["id"]
    bad = world.patch(
        f"/api/v1/organizations/{org_id}", crm, json={"email_domains": ["not a domain"]}
    )
    assert bad.status_code == 422
    assert "email_domains.0" in bad.json["error"]["fields"]
    good = world.patch(
        f"/api/v1/organizations/{org_id}", crm, json={"email_domains": ["b.example", "a.example"]}
    )
    assert good.json["email_domains"] == ["a.example", "b.example"]


def test_duplicate_user_email_is_a_conflict_naming_the_field(world, crm):
    world.post("/api/v1/users", crm, json={"email": "ann@x.example", "name": "Ann"})
    again = world.post("/api/v1/users", crm, json={"email": "ANN@x.example", "name": "Ann"})
    assert again.status_code == 409
    assert again.json["error"]["fields"] == {"email": "already in use"}


def test_members_see_their_organization_but_not_others(world):
    acme, other = world.organization("Acme"), world.organization("Other")
    ann = world.user("Ann", organization=acme)
    assert world.get(f"/api/v1/organizations/{acme.id}", ann).status_code == 200
    assert world.get(f"/api/v1/organizations/{other.id}", ann).status_code == 404
    assert world.get("/api/v1/organizations", ann).status_code == 403


def test_users_see_only_themselves(world):
    ann, bo = world.user("Ann"), world.user("Bo")
    assert world.get(f"/api/v1/users/{ann.id}", ann).json["email"] == "ann@users.example"
    assert world.get(f"/api/v1/users/{bo.id}", ann).status_code == 404


def test_usergroup_permissions_are_checked(world, crm):
    bad = world.post(
        "/api/v1/usergroups", crm, json={"name": "VIP", "permissions": ["tickets.fly"]}
    )
    assert bad.status_code == 422
    assert "tickets.fly" in bad.json["error"]["message"]
    good = world.post(
        "/api/v1/usergroups",
        crm,
        json={"name": "VIP", "permissions": ["tickets.view_organization"]},
    )
    assert good.status_code == 201
    assert good.json["permissions"] == ["tickets.view_organization"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"organization_id": 999}, "organization_id"),
        ({"usergroup_ids": [999]}, "usergroup_ids"),
    ],
)
def test_unknown_ids_in_a_body_name_the_field(world, crm, body, field):
    response = world.post("/api/v1/users", crm, json={"email": "a@x.example", "name": "A", **body})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {field: "unknown id"}
