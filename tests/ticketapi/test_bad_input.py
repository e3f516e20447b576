"""Bad input on every route of the OpenAPI document: a 4xx JSON error naming the field.

The routes come from the generated document, so a new route is covered the day it lands.
"""

from __future__ import annotations

import re

import pytest

from ticketapi import create_app

BIG = "x" * 200_000
WRONG_VALUE = {"string": 12345, "integer": "twelve", "boolean": "maybe", "array": "not a list"}


def _operations():
    app = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_DIR": "/tmp/hd-spec"}
    )
    with app.app_context():
        spec = app.spec
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield path, method, operation, spec


def _resolve(spec, schema):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def json_bodies():
    for path, method, operation, spec in _operations():
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            yield pytest.param(
                method,
                path,
                _resolve(spec, content["application/json"]["schema"]),
                id=f"{method.upper()} {path}",
            )


def query_params():
    for path, _method, operation, _spec in _operations():
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and kind(parameter["schema"]) == "integer":
                yield pytest.param(path, parameter["name"], id=f"{path}?{parameter['name']}")


def kind(field: dict) -> str | None:
    """The JSON type of a property; nullable ones list "null" beside it."""
    types = field.get("type")
    if isinstance(types, list):
        types = next((t for t in types if t != "null"), None)
    return types


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def assert_names(response, field):
    assert 400 <= response.status_code < 500, (response.status_code, response.get_data(True))
    error = response.json["error"]
    assert set(error) >= {"code", "message"}
    assert field in error.get("fields", {}), error


@pytest.fixture
def admin(world):
    return world.admin()


JSON_ROUTES = list(json_bodies())


def test_the_document_has_json_routes():
    assert len(JSON_ROUTES) >= 25


@pytest.mark.parametrize(("method", "path", "schema"), JSON_ROUTES)
def test_malformed_json_is_a_400_saying_so(world, admin, method, path, schema):
    response = world.call(
        method,
        concrete(path),
        admin,
        data='{"subject": "unfinished',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "not valid JSON" in response.json["error"]["message"]


@pytest.mark.parametrize(("method", "path", "schema"), JSON_ROUTES)
def test_a_body_that_is_not_an_object_is_refused(world, admin, method, path, schema):
    response = world.call(method, concrete(path), admin, json=["not", "an", "object"])
    assert 400 <= response.status_code < 500
    assert "error" in response.json


@pytest.mark.parametrize(("method", "path", "schema"), JSON_ROUTES)
def test_missing_required_fields_are_named(world, admin, method, path, schema):
    required = schema.get("required", [])
    if not required:
        response = world.call(method, concrete(path), admin, json={"no_such_field": 1})
        assert_names(response, "no_such_field")
        return
    response = world.call(method, concrete(path), admin, json={})
    assert response.status_code == 422
    assert set(required) <= set(response.json["error"]["fields"])


@pytest.mark.parametrize(("method", "path", "schema"), JSON_ROUTES)
def test_wrong_types_are_named(world, admin, method, path, schema):
    for name, field in schema.get("properties", {}).items():
        if field.get("readOnly") or kind(field) not in WRONG_VALUE:
            continue
        response = world.call(method, concrete(path), admin, json={name: WRONG_VALUE[kind(field)]})
        assert_names(response, name)


@pytest.mark.parametrize(("method", "path", "schema"), JSON_ROUTES)
def test_200_kb_strings_are_refused_naming_the_field(world, admin, method, path, schema):
    for name, field in schema.get("properties", {}).items():
        if kind(field) == "string" and "enum" not in field and "format" not in field:
            assert field.get("maxLength", BIG) and field.get("maxLength", 10**9) <= 100_000, name
            response = world.call(method, concrete(path), admin, json={name: BIG})
            assert_names(response, name)
        elif kind(field) == "array" and kind(field.get("items", {})) == "string":
            response = world.call(method, concrete(path), admin, json={name: [BIG]})
            assert_names(response, f"{name}.0")


@pytest.mark.parametrize(("path", "name"), list(query_params()))
def test_query_numbers_are_checked(world, admin, path, name):
    response = world.get(f"{concrete(path)}?{name}=abc", admin)
    assert_names(response, name)


@pytest.mark.parametrize(("method", "path", "schema"), JSON_ROUTES)
def test_nul_characters_are_refused_naming_the_field(world, admin, method, path, schema):
    for name, field in schema.get("properties", {}).items():
        if kind(field) == "string":
            response = world.call(method, concrete(path), admin, json={name: "a\x00b"})
            assert_names(response, name)
