"""Issue 15 item 7: the HTTP contract is in the OpenAPI schema, as an integrator finds it.

The schema the real app serves at ``/schema/openapi.json`` is fed to a real client generator
(``openapi-python-client``): it must generate every operation and warn about nothing (an
unreadable response, a reference that does not resolve, two models with one name). And every
JSON answer is declared (a ``core.schemas.Out`` Struct, a list of them, or plain values), never a
free-form object.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

METHODS = ("get", "post", "put", "patch", "delete")

# Binary bodies are bytes to a client; the generator reads text/* and JSON by itself.
GENERATOR_CONFIG = """\
post_hooks: []
content_type_overrides:
  application/pdf: application/octet-stream
  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream
"""


@pytest.fixture(scope="module")
async def served_schema() -> AsyncIterator[dict[str, Any]]:
    """The schema as the app serves it (MINZHENG_ENV=test: the testing routes too); serving
    it touches no database."""
    from core.app import create_app
    from core.settings import get_settings

    app = create_app(get_settings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    yield response.json()


def _operations(schema: dict[str, Any]) -> set[str]:
    return {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in METHODS
    }


def _judge(findings: list[str], what: str) -> None:
    assert not findings, f"{len(findings)} {what}:\n" + "\n".join(findings)


def _generator_findings(output: str) -> list[str]:
    """``METHOD /path: message`` for each operation the generator warned about, and
    ``schema NAME: message`` for each model it could not build."""
    findings = []
    for block in re.split(r"\n(?=WARNING parsing |Unable to parse schema )", output)[1:]:
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        message = re.sub(r"<openapi_python_client[^>]*>", "…", lines[1] if len(lines) > 1 else "")
        if match := re.match(r"WARNING parsing (\w+ \S+) within", lines[0]):
            findings.append(f"{match[1]}: {message}")
        else:
            name = lines[0].removeprefix("Unable to parse schema /components/schemas/")
            findings.append(f"schema {name}: {message}")
    return findings


def _generated_operations(package: Path) -> set[str]:
    found = set()
    for module in (package / "api").rglob("*.py"):
        text = module.read_text(encoding="utf-8")
        for method, url in re.findall(r'"method": "(\w+)",\s*"url": f?"([^"]+)"', text):
            found.add(f"{method.upper()} {url}")
    return found


def test_a_generated_client_has_every_operation_and_no_warning(served_schema, tmp_path: Path):
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(served_schema), encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(GENERATOR_CONFIG, encoding="utf-8")
    package = tmp_path / "client"
    run = subprocess.run(
        [
            *(sys.executable, "-m", "openapi_python_client", "generate"),
            *("--path", str(document), "--output-path", str(package)),
            *("--config", str(config), "--meta", "none"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = run.stdout + run.stderr
    assert (package / "client.py").is_file(), output[-3000:]
    findings = _generator_findings(output)
    skipped = sorted(_operations(served_schema) - _generated_operations(package))
    findings += [f"{operation}: not generated" for operation in skipped]
    # Every warning the generator printed is accounted for by a finding above.
    assert findings or "Warning(s) encountered" not in output, output[-3000:]
    _judge(findings, "operations or models the generated client gets wrong")


def _free_form(schema: Any) -> bool:
    """An answer a client cannot type: anything-goes (``{}``) or an object without declared
    properties (a ``dict``), anywhere in it outside the declared Structs it refers to."""
    if isinstance(schema, list):
        return any(_free_form(value) for value in schema)
    if not isinstance(schema, dict) or "$ref" in schema:
        return False
    if not schema or (schema.get("type") == "object" and "properties" not in schema):
        return True
    return any(_free_form(value) for key, value in schema.items() if key != "examples")


def test_every_json_answer_is_a_declared_struct(served_schema):
    findings = []
    for path, item in served_schema["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            for status, response in operation["responses"].items():
                for media_type, content in (response.get("content") or {}).items():
                    if "json" in media_type and _free_form(content.get("schema", {})):
                        findings.append(f"{method.upper()} {path}: {status} is free-form")
    _judge(findings, "JSON answers without a declared Struct")


def _ambiguous(schema: Any, components: dict[str, Any], where: str, seen: set[str]) -> list[str]:
    """Places in ``schema`` (references followed) where an integer would match two arms of a
    ``oneOf`` (``integer`` and ``number``), which a validator refuses for every integer."""
    found = []
    if isinstance(schema, dict):
        if ref := schema.get("$ref"):
            name = ref.rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                found += _ambiguous(components[name], components, name, seen)
            return found
        arms = {arm.get("type") for arm in schema.get("oneOf", []) if isinstance(arm, dict)}
        if {"integer", "number"} <= arms:
            found.append(where)
        for key, value in schema.items():
            found += _ambiguous(value, components, f"{where}.{key}", seen)
    elif isinstance(schema, list):
        for value in schema:
            found += _ambiguous(value, components, where, seen)
    return found


def test_no_answer_has_a_number_two_arms_of_a_oneof_match(served_schema):
    """``int | float`` fields are ``core.schemas.Number``: schema validators (Schemathesis)
    refuse an integer that matches both ``integer`` and ``number``."""
    components = served_schema["components"]["schemas"]
    findings = []
    for path, item in served_schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                for where in _ambiguous(operation["responses"], components, "responses", set()):
                    findings.append(f"{method.upper()} {path}: {where}")
    _judge(findings, "answers with an ambiguous oneOf")


def test_every_error_answer_is_the_one_error_body(served_schema):
    """4xx and 5xx answers are described once, with the body API.md gives them."""
    body = served_schema["components"]["schemas"]["ErrorBody"]
    assert set(body["required"]) == {"status_code", "code", "detail"}
    assert "extra" in body["properties"]
    for path, item in served_schema["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            errors = {s: r for s, r in operation["responses"].items() if s[0] in "45"}
            assert {"400", "404", "503"} <= errors.keys(), (method, path)
            for status, response in errors.items():
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, status)
