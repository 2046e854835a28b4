from __future__ import annotations

import json

from foundry_doctor.facts.error_body import parse_error_body


def test_error_envelope() -> None:
    body = parse_error_body('{"error":{"code":"DeploymentNotFound","message": "gone"}}')
    assert (body.shape, body.code, body.message) == ("error-envelope", "DeploymentNotFound", "gone")
    assert "deploymentnotfound gone" in body.text


def test_status_message_shape() -> None:
    body = parse_error_body('{ "statusCode": 401, "message": "Unauthorized." }')
    assert (body.shape, body.code, body.message, body.status) == (
        "status-message",
        None,
        "Unauthorized.",
        401,
    )


def test_flat_code_message() -> None:
    body = parse_error_body('{"code":"403","message":"A Virtual Network is configured"}')
    assert (body.shape, body.code) == ("code-message", "403")


def test_status_text_field() -> None:
    body = parse_error_body(
        '{"status": "Auth token must be passed as a header called Authorization"}'
    )
    assert body.message == "Auth token must be passed as a header called Authorization"


def test_details_and_inner_error() -> None:
    raw = json.dumps(
        {
            "error": {
                "code": "BadRequest",
                "message": "m",
                "details": [{"code": "Inner"}],
                "innererror": {"code": "ResponsibleAIPolicyViolation"},
            }
        }
    )
    body = parse_error_body(raw)
    assert body.details is not None
    assert "Inner" in body.details
    assert "ResponsibleAIPolicyViolation" in body.details


def test_integer_code() -> None:
    assert parse_error_body('{"error":{"code":404,"message":"x"}}').code == "404"


def test_truncated_json_is_read_by_fragments() -> None:
    body = parse_error_body(
        '{"error":{"code":"PermissionDenied","message":"Principal does not have acc'
    )
    assert body.code == "PermissionDenied"
    assert body.message is not None
    assert body.message.startswith("Principal")


def test_fragments_unescape_the_message() -> None:
    body = parse_error_body(
        '{"error":{"message":"the \\"gpt-4o\\" deployment\\nis gone","x":"' + "y" * 9000
    )
    assert body.message == 'the "gpt-4o" deployment\nis gone'


def test_plain_text_and_bytes() -> None:
    assert parse_error_body("Bad gateway").shape == "text"
    assert parse_error_body(b'{"error":{"code":"x"}}').code == "x"
    assert parse_error_body(b"\xff\xfe\x00").shape == "text"


def test_empty() -> None:
    for value in (None, "", "   ", b""):
        assert parse_error_body(value).is_empty


def test_deep_and_huge_bodies_are_bounded() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    assert parse_error_body(deep).shape in ("text", "json")
    huge = '{"error":{"code":"x","message":"' + "a" * 10_000_000 + '"}}'
    body = parse_error_body(huge)
    assert len(body.text) <= 8192


def test_non_object_json() -> None:
    assert parse_error_body("[1, 2]").shape == "json"
    assert parse_error_body('"just a string"').shape == "text"
