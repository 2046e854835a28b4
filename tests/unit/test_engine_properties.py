"""Properties of the engine on bad input, beyond ``test_engine_robustness.py``: live
observations with arbitrary bodies (binary, invalid UTF-8, lone surrogates, deeply nested JSON,
sizes around the read cap and 10 MB), arbitrary or broken header containers, garbage and huge
URLs, and JWT-like strings whose claims have the wrong types.

Whatever comes in, :meth:`Facts.observe`, :func:`diagnose` and :func:`diagnose_text` never
raise, the rule is a catalogue slug, at most ``BODY_READ_LIMIT`` of a body is kept, no secret
header survives into the facts, what is rendered stays small and the answer is the same twice.

The tests marked ``slow`` are the same properties for the long fuzz run (``HYPOTHESIS_PROFILE=
fuzz``, see ``tests/unit/conftest.py``); without it they run Hypothesis' default count.
"""

from __future__ import annotations

import array
import base64
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from foundry_doctor import diagnose, diagnose_text
from foundry_doctor.diagnosis import Diagnosis
from foundry_doctor.facts import BODY_READ_LIMIT, SECRET_HEADERS, Facts, TokenClaims
from foundry_doctor.facts.tokens import MAX_TOKEN_LENGTH, decode_claims, looks_like_jwt
from foundry_doctor.rules.catalogue import SLUGS

_SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
#: the default run: few examples, the whole file in a few seconds
QUICK = settings(max_examples=30, deadline=None, suppress_health_check=_SUPPRESS)
#: the fuzz variants: as many examples as the loaded profile says
LONG = settings(deadline=None, suppress_health_check=_SUPPRESS)

#: a rendered diagnosis (an exception message, a log record) stays below this whatever came in
RENDER_LIMIT = 64 * 1024
MEGABYTES_10 = 10 * 1024 * 1024

AOAI_CHAT = "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions"


# --- strategies -----------------------------------------------------------------------------------

#: any code point, lone surrogates included (what ``surrogateescape`` makes of bad bytes)
any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=60)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Large:
    """A large str or bytes value, made only inside the test: Hypothesis keeps every value it
    draws until the end of the run (gigabytes over a fuzz run), so the strategies draw this
    small recipe instead. The value is the concatenation of ``unit * count`` for each part, cut
    to ``size`` when given."""

    parts: tuple[tuple[Any, int], ...]
    size: int | None = None

    def build(self) -> Any:
        empty = self.parts[0][0][:0]
        value = empty.join(unit * count for unit, count in self.parts)
        return value if self.size is None else value[: self.size]

    def __repr__(self) -> str:
        parts = " + ".join(f"{unit!r} * {count}" for unit, count in self.parts)
        return f"Large({parts}{f', size={self.size}' if self.size is not None else ''})"


def repeated(unit: bytes | str, size: int) -> Large:
    """``unit`` repeated to exactly ``size`` bytes / characters."""
    return Large(((unit, size // len(unit) + 1),), size)


def built(value: Any) -> Any:
    """``value`` with any :class:`Large` recipe in it (also in a header container) made."""
    if isinstance(value, Large):
        return value.build()
    if isinstance(value, dict):
        return {built(name): built(item) for name, item in value.items()}
    if isinstance(value, list):
        return [tuple(built(item) for item in pair) for pair in value]
    return value


#: sizes around the read cap, and far beyond it
sizes = st.sampled_from([BODY_READ_LIMIT - 1, BODY_READ_LIMIT, BODY_READ_LIMIT + 1, MEGABYTES_10])
big_bodies = st.one_of(
    st.builds(repeated, st.binary(min_size=1, max_size=8), sizes),
    st.builds(repeated, st.text(min_size=1, max_size=8), sizes),
    # a multi-byte character cut by the cap
    st.builds(repeated, st.sampled_from(["é", "€", "😀", "\udcff", "€".encode()]), sizes),
    st.builds(
        lambda size: Large(((b'{"error":{"code":"401","message":"', 1), (b"x", size), (b'"}}', 1))),
        sizes,
    ),
)
#: deeply nested JSON, closed or not
deep_json = st.builds(
    lambda shape, depth: Large(tuple((unit, depth if count else 1) for unit, count in shape)),
    st.sampled_from(
        [
            (("[", True), ("]", True)),
            (('{"a":', True), ("1", False), ("}", True)),
            (('{"error":', True),),
            (('{"error":{"message":"', False), ("[", True)),
        ]
    ),
    st.integers(1, 100_000),
)
error_envelopes = st.builds(
    lambda code, message: json.dumps(
        {"error": {"code": code, "message": message}}, ensure_ascii=False
    ),
    st.one_of(any_text, st.integers(), st.none(), st.lists(st.integers(), max_size=3)),
    st.one_of(any_text, st.integers(), st.none(), st.dictionaries(any_text, any_text, max_size=2)),
)
bodies = st.one_of(
    st.none(),
    st.binary(max_size=300),
    any_text,
    error_envelopes,
    error_envelopes.map(lambda text: text.encode("utf-8", "surrogatepass")),
    deep_json,
    big_bodies,
    st.binary(max_size=200).map(bytearray),
    st.binary(max_size=200).map(memoryview),
)


class ExplodingHeaders(Mapping[str, str]):
    """A header container that fails as soon as anyone reads a header from it."""

    def __getitem__(self, key: str) -> str:
        raise RuntimeError("boom")

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("boom")

    def __len__(self) -> int:
        return 1


header_names = st.one_of(
    st.sampled_from(
        [
            "Authorization",
            "AUTHORIZATION",
            "api-key",
            "Api-Key",
            "Set-Cookie",
            "Content-Type",
            "x-ms-error-code",
            "apim-request-id",
            "WWW-Authenticate",
            "x-should-retry",
            "",
        ]
    ),
    any_text,
    st.binary(max_size=10),
)
header_values = st.one_of(
    any_text,
    st.sampled_from(["Bearer", "Bearer ", "bearer  x", "Basic abc", "Bearer eyJ.eyJ.", " "]),
    st.binary(max_size=20),
    st.integers(),
    st.none(),
    st.builds(repeated, st.text(min_size=1, max_size=3), st.just(1024 * 1024)),
)
headers = st.one_of(
    st.none(),
    st.dictionaries(header_names, header_values, max_size=8),
    st.lists(st.tuples(header_names, header_values), max_size=8),
    st.lists(
        st.one_of(st.tuples(header_names), st.tuples(header_names, header_values, header_values)),
        max_size=3,
    ),
    st.lists(st.tuples(st.just("x-h"), st.just("v")), min_size=150, max_size=150),
    st.just(ExplodingHeaders()),
    st.integers(),
    any_text,
)
urls = st.one_of(
    st.none(),
    any_text,
    st.builds(lambda host, rest: f"https://{host}{rest}", any_text, any_text),
    st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from(
            [
                "https://myres.openai.azure.com/openai/deployments/",
                "https://myres.services.ai.azure.com/models/",
                "https://myres.openai.azure.com/openai/v1/",
                "https://myres.services.ai.azure.com/api/projects/",
                "https://[::1/openai/",
                "https://myres.openai.azure.com:99999/openai/",
                "https://xn--/openai/",
                "https://мой.openai.azure.com/openai/deployments/",
            ]
        ),
        any_text,
    ),
    st.builds(
        lambda size: Large(
            (
                (AOAI_CHAT.split("gpt-4o")[0], 1),
                ("d", size),
                ("/chat/completions?api-version=2024-10-21", 1),
            )
        ),
        st.sampled_from([1024, 1024 * 1024]),
    ),
    st.just(Large(((AOAI_CHAT + "?api-version=", 1), ("9", MEGABYTES_10)))),
)

# --- JWT-like strings ---------------------------------------------------------------------------

claim_names = st.sampled_from(
    [
        "aud",
        "iss",
        "exp",
        "nbf",
        "iat",
        "tid",
        "oid",
        "appid",
        "azp",
        "idtyp",
        "ver",
        "scp",
        "roles",
        "upn",
        "name",
        "email",
        "unique_name",
    ]
)
wrong_typed = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    any_text,
    st.sampled_from(
        [
            "https://cognitiveservices.azure.com",
            "https://ai.azure.com/",
            "https://management.azure.com",
            "1e400",
            " 1700000000 ",
            "-5",
            "9" * 20,
            "app",
            "user",
        ]
    ),
    st.lists(st.one_of(any_text, st.integers(), st.none(), st.floats()), max_size=4),
    st.dictionaries(any_text, st.integers(), max_size=2),
)
claim_sets = st.dictionaries(claim_names, wrong_typed, max_size=12)
_JWT_HEADER = _b64(b'{"alg":"RS256","typ":"JWT"}')


def _claims_segment(claims: dict[str, Any]) -> str:
    return _b64(json.dumps(claims, ensure_ascii=False).encode("utf-8", "surrogatepass"))


payload_segments = st.one_of(
    claim_sets.map(_claims_segment),
    st.binary(max_size=80).map(_b64),
    st.one_of(st.integers(), st.lists(st.integers(), max_size=3), st.none(), any_text).map(
        lambda value: _b64(json.dumps(value).encode())
    ),
    # nested deeper than json's recursion limit, and still under the token length cap
    st.integers(1, 6_000).map(lambda depth: _b64(b"[" * depth + b"]" * depth)),
    st.just(_b64(b'{"aud": "x", "exp": 1' + b"0" * 5000 + b"}")),  # over int's digit limit
    any_text,
    st.text(alphabet="eyJ=+/-_.", max_size=40),
)
jwt_like = st.one_of(
    st.builds(
        lambda head, payload, signature: f"{head}.{payload}.{signature}",
        st.one_of(st.just(_JWT_HEADER), st.binary(max_size=30).map(_b64), any_text),
        payload_segments,
        st.one_of(any_text, st.binary(max_size=40).map(_b64)),
    ),
    st.builds(lambda payload: f"eyJ.{payload}", payload_segments),  # two segments
    st.builds(lambda payload: f"{_JWT_HEADER}.{payload}.s.extra", payload_segments),
    st.builds(
        lambda payload: f"{_JWT_HEADER}.{payload}.{'s' * MAX_TOKEN_LENGTH}", payload_segments
    ),
)
nows = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
)


# --- checks ------------------------------------------------------------------------------------


def _expected_body(body: object) -> str | None:
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body[:BODY_READ_LIMIT]).decode("utf-8", errors="replace")
    if isinstance(body, str):
        return body[:BODY_READ_LIMIT]
    return None


def _check_diagnosis(diagnosis: Diagnosis) -> None:
    assert diagnosis.rule in SLUGS
    assert all(finding.rule in SLUGS for finding in diagnosis.secondary)
    rendered = diagnosis.render()
    assert isinstance(rendered, str)
    assert len(rendered) <= RENDER_LIMIT
    assert len(json.dumps(diagnosis.to_dict())) <= RENDER_LIMIT


def _check_same_twice(first: Diagnosis, second: Diagnosis) -> None:
    assert (first.rule, [f.rule for f in first.secondary]) == (
        second.rule,
        [f.rule for f in second.secondary],
    )


def _check_observation(
    body: Any,
    request_headers: Any,
    response_headers: Any,
    url: Any,
    endpoint: Any,
    status: Any,
    now: Any,
) -> None:
    body, request_headers, response_headers = (
        built(body),
        built(request_headers),
        built(response_headers),
    )
    url, endpoint = built(url), built(endpoint)
    facts = Facts.observe(
        status=status,
        request_headers=request_headers,
        response_headers=response_headers,
        body=body,
        url=url,
        endpoint=endpoint,
        now=now,
    )
    assert facts.body == _expected_body(body)
    assert facts.body is None or len(facts.body) <= BODY_READ_LIMIT
    assert not SECRET_HEADERS & set(facts.headers)
    assert facts.status is None or isinstance(facts.status, int)
    assert facts.auth.authorization in (None, "jwt", "opaque")
    first = diagnose(facts)
    _check_diagnosis(first)
    _check_same_twice(first, diagnose(facts))


def _check_token(token: str, status: int, now: Any, api_key: bool) -> None:
    claims = decode_claims(token)
    assert claims is None or isinstance(claims, TokenClaims)
    if claims is not None:
        assert looks_like_jwt(token)
        for name in ("aud", "iss", "tid", "oid", "appid", "idtyp", "ver"):
            value = getattr(claims, name)
            assert value is None or (isinstance(value, str) and len(value) <= 512)
        for name in ("exp", "nbf", "iat"):
            value = getattr(claims, name)
            assert value is None or (isinstance(value, int) and not isinstance(value, bool))
        assert all(isinstance(item, str) for item in (*claims.scp, *claims.roles))
        assert all(isinstance(value, str) for value in claims.personal.values())
        json.dumps(claims.to_dict(include_personal=True))
    request_headers = {"Authorization": f"Bearer {token}"}
    if api_key:
        request_headers["api-key"] = token
    facts = Facts.observe(
        status=status,
        request_headers=request_headers,
        url=AOAI_CHAT + "?api-version=2024-10-21",
        endpoint="https://myres.openai.azure.com",
        client="openai.AzureOpenAI",
        credential="token",
        now=now,
    )
    assert facts.auth.authorization == ("jwt" if looks_like_jwt(token.strip()) else "opaque")
    first = diagnose(facts)
    _check_diagnosis(first)
    _check_same_twice(first, diagnose(facts))
    _check_diagnosis(diagnose_text(f"Error code: {status} - Authorization: Bearer {token}"))


statuses = st.one_of(st.sampled_from([400, 401, 403, 404]), st.integers(-5, 1000), st.none())
observation_args = {
    "body": bodies,
    "request_headers": headers,
    "response_headers": headers,
    "url": urls,
    "endpoint": urls,
    "status": statuses,
    "now": nows,
}
token_args = {
    "token": jwt_like,
    "status": st.sampled_from([400, 401, 403, 404]),
    "now": nows,
    "api_key": st.booleans(),
}


# --- live observations -------------------------------------------------------------------------


@QUICK
@given(**observation_args)
@example(
    body=repeated(b"\xff", MEGABYTES_10),
    request_headers=None,
    response_headers=None,
    url=None,
    endpoint=None,
    status=401,
    now=None,
)
@example(
    body="€" * (BODY_READ_LIMIT + 1),
    request_headers=[("Authorization",)],
    response_headers=ExplodingHeaders(),
    url="https://\udcff.openai.azure.com/openai/deployments/\udcfe/chat/completions",
    endpoint="",
    status=404,
    now=float("nan"),
)
def test_observations_never_break_the_engine(
    body: Any,
    request_headers: Any,
    response_headers: Any,
    url: Any,
    endpoint: Any,
    status: Any,
    now: Any,
) -> None:
    _check_observation(body, request_headers, response_headers, url, endpoint, status, now)


@pytest.mark.slow
@LONG
@given(**observation_args)
def test_fuzz_observations(
    body: Any,
    request_headers: Any,
    response_headers: Any,
    url: Any,
    endpoint: Any,
    status: Any,
    now: Any,
) -> None:
    _check_observation(body, request_headers, response_headers, url, endpoint, status, now)


def test_body_cap_is_in_bytes_for_byte_bodies() -> None:
    facts = Facts.observe(status=401, body=b"\xe2\x82\xac" * BODY_READ_LIMIT)  # "€" in UTF-8
    assert facts.body is not None
    assert len(facts.body.encode("utf-8")) <= BODY_READ_LIMIT + 2  # a cut character: U+FFFD


@pytest.mark.parametrize(
    "body",
    [
        memoryview(array.array("i", [0x41414141]) * BODY_READ_LIMIT),  # 4-byte items
        memoryview(b"AB" * BODY_READ_LIMIT)[::2],  # not contiguous
    ],
    ids=["wide-items", "strided"],
)
def test_body_cap_is_in_bytes_for_any_memoryview(body: memoryview) -> None:
    facts = Facts.observe(status=401, body=body)
    assert facts.body == "A" * BODY_READ_LIMIT


def test_request_headers_whose_truth_value_fails() -> None:
    class Ambiguous(ExplodingHeaders):
        def __len__(self) -> int:
            raise ValueError("the truth value is ambiguous")

    facts = Facts.observe(status=401, request_headers=Ambiguous(), response_headers=Ambiguous())
    assert diagnose(facts).rule in SLUGS


@QUICK
@given(body=st.one_of(big_bodies, deep_json, st.dictionaries(any_text, any_text, max_size=3)))
def test_case_record_bodies_are_capped(body: Any) -> None:
    body = built(body)
    facts = Facts.from_case({"response": {"status": 401, "body": body}})
    assert facts.body is None or len(facts.body) <= BODY_READ_LIMIT
    _check_diagnosis(diagnose({"response": {"status": 401, "body": body}}))


# --- tokens ------------------------------------------------------------------------------------


@QUICK
@given(**token_args)
@example(
    token=f"{_JWT_HEADER}.{_claims_segment({'aud': ['a', 1], 'exp': 'soon'})}.sig",
    status=401,
    now=None,
    api_key=False,
)
@example(
    token=f"{_JWT_HEADER}.{_claims_segment({'aud': 5, 'exp': 10**400, 'nbf': -1.5e300})}.s",
    status=401,
    now=1e300,
    api_key=True,
)
@example(
    token=f"{_JWT_HEADER}.{_claims_segment({'aud': None, 'exp': float('inf')})}.s",
    status=403,
    now=float("-inf"),
    api_key=False,
)
def test_tokens_with_odd_claims_never_break_the_engine(
    token: str, status: int, now: Any, api_key: bool
) -> None:
    _check_token(token, status, now, api_key)


@pytest.mark.slow
@LONG
@given(**token_args)
def test_fuzz_tokens(token: str, status: int, now: Any, api_key: bool) -> None:
    _check_token(token, status, now, api_key)


@QUICK
@given(claims=claim_sets)
def test_well_formed_tokens_keep_the_claims_they_can_read(claims: dict[str, Any]) -> None:
    decoded = decode_claims(f"{_JWT_HEADER}.{_claims_segment(claims)}.signature")
    text = json.dumps(claims, ensure_ascii=False)
    readable = not any("\ud800" <= char <= "\udfff" for char in text)  # else not UTF-8
    if len(_claims_segment(claims)) > MAX_TOKEN_LENGTH or not readable:
        assert decoded is None
        return
    assert decoded is not None
    aud = claims.get("aud")
    if isinstance(aud, str):
        assert decoded.aud == aud[:512]
    exp = claims.get("exp")
    if isinstance(exp, int) and not isinstance(exp, bool):
        assert decoded.exp == exp
    tid = claims.get("tid")
    assert decoded.tid == (tid[:512] if isinstance(tid, str) else None)


# --- pasted text -------------------------------------------------------------------------------

pasted = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=()), max_size=3000),
    st.builds(
        lambda status, token, url, body: f"Error code: {status} - {body}\n{url}\nBearer {token}",
        st.integers(0, 999),
        jwt_like,
        urls.map(str),
        bodies.map(str),
    ),
    # beyond the pasted-text cap (the 10 MB and deeply nested cases are explicit examples: each
    # takes a tenth of a second)
    st.builds(
        repeated,
        st.text(alphabet=st.characters(exclude_categories=()), min_size=1, max_size=8),
        st.just(300_000),
    ),
    st.integers(1, 5_000).map(lambda depth: Large((('{"error":', depth), ("[", depth)))),
)


@QUICK
@given(text=pasted)
@example(text=Large((("Error code: 401 - ", 1), ("{", 200_000))))
@example(text=Large((('{"a":', 100_000), ("1", 1), ("}", 100_000))))
@example(text=repeated("x", MEGABYTES_10))
@example(text=repeated("\udcff", MEGABYTES_10))
def test_pasted_text_with_odd_characters_never_breaks_the_engine(text: Any) -> None:
    text = built(text)
    first = diagnose_text(text)
    _check_diagnosis(first)
    _check_same_twice(first, diagnose_text(text))


@pytest.mark.slow
@LONG
@given(text=pasted)
def test_fuzz_pasted_text(text: Any) -> None:
    _check_diagnosis(diagnose_text(built(text)))
