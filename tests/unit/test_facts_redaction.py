"""What foundry-doctor quotes: :func:`quote` for service text, :func:`guard_text` for our own
sentences, :func:`safe_url` for URLs, :func:`keepable_url` for what a cache may keep.

The forms of ``support.echoes`` (the ones issue 11 lists and others of the same kinds) must lose
their secrets wherever they sit in a text; what explains a failure (words, codes, GUIDs, data
actions, host names, paths, ``api-version``) must survive; control characters never get through.
The property tests draw names, syntaxes, secrets and URLs the lists do not hold.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foundry_doctor.facts.redaction import (
    REDACTED,
    SHOWN_QUERY_NAMES,
    guard_text,
    keepable_url,
    names_credential,
    quote,
    redact_personal,
    redact_text,
    safe_url,
    scrub_secrets,
)
from support.echoes import ALL, INJECTIONS, LISTED, Echo

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2V4YW1wbGUifQ.c2lnbmF0dXJlLXNlY3JldA"
KEY = "0123456789abcdef0123456789abcdef"
QUICK = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: how a form may sit in a message
SETTINGS = (
    "{}",
    "The gateway rejected the request: {}. Try again later.",
    '{{"error": {{"message": "{}"}}}}',
    "(Unauthorized) {}\nCode: Unauthorized\nMessage: {}",
)


def _leaks(echo: Echo, shown: str) -> list[str]:
    return [secret for secret in echo.secrets if secret in shown]


@pytest.mark.parametrize("echo", ALL, ids=[echo.name for echo in ALL])
@pytest.mark.parametrize("setting", SETTINGS)
def test_every_echoed_form_loses_its_secret(echo: Echo, setting: str) -> None:
    text = setting.format(echo.text, echo.text)
    shown = quote(text)
    assert not _leaks(echo, shown), shown
    assert quote(shown) == shown  # quoting twice changes nothing
    assert not _leaks(echo, scrub_secrets(text))


@pytest.mark.parametrize("echo", LISTED, ids=[echo.name for echo in LISTED])
def test_the_listed_forms_are_replaced_not_cut(echo: Echo) -> None:
    """Not hidden by the length cap: replaced, and the text around them kept."""
    shown = quote(f"before {echo.text} after")
    assert shown.startswith("before ")
    assert shown.endswith(" after")
    assert REDACTED in shown or "<token>" in shown or "@" not in shown


def test_what_explains_the_failure_survives() -> None:
    message = (
        "(PermissionDenied) The principal `11111111-2222-3333-4444-555555555555` lacks the "
        "required data action `Microsoft.CognitiveServices/accounts/AIServices/agents/read` to "
        "perform `POST /api/projects/myproject/assistants` operation. AADSTS700016: Application "
        "with identifier '04b07795-8ddb-461a-bbee-02f9e1bf7b46' was not found. Trace ID: "
        "0f8fad5b-d9cb-469f-a165-70867728950e Timestamp: 2024-05-01 12:00:00Z. Deployment "
        "gpt-4o-mini-2024-07-18 and Llama-4-Maverick-17B-128E-Instruct-FP8 on "
        "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version="
        "2024-10-21 (InvalidAuthenticationTokenTenant; ThrowExceptionDueToTrafficDenied). Use "
        "Bearer auth; the bearer token is missing. max_tokens=4096, token_type=Bearer."
    )
    assert quote(message) == message


def test_error_codes_stay_but_code_values_that_are_keys_go() -> None:
    assert quote('{"code": "DeploymentNotFound"}') == '{"code": "DeploymentNotFound"}'
    assert quote("<Code>AuthenticationFailed</Code>") == "<Code>AuthenticationFailed</Code>"
    assert "Fq8Lw2Rz6Tb4Nm1X" not in quote("code=Fq8Lw2Rz6Tb4Nm1X")


def test_our_own_fix_steps_pass_unchanged() -> None:
    steps = (
        'ChatCompletionsClient(endpoint="https://myres.services.ai.azure.com/models", '
        'credential=DefaultAzureCredential(), credential_scopes=["https://ai.azure.com/.default"])',
        'OpenAI(base_url="https://myres.openai.azure.com/openai/v1/", api_key=<key or token '
        "provider>) - it posts with 'Authorization: Bearer <token>'",
        "compare with a fresh token: az account get-access-token --resource https://ai.azure.com",
        "az role assignment create --assignee x --scope $(az cognitiveservices account list "
        "--query \"[?name=='myres'].id\" -o tsv)",
        "until then pass headers={'api-key': '<key>'} to the client as well",
        "Attempted credentials: EnvironmentCredential: EnvironmentCredential authentication "
        "unavailable. AzureCliCredential: Azure CLI not found on path",
    )
    for step in steps:
        assert quote(step) == step
        assert guard_text(step) == step


@pytest.mark.parametrize("injection", INJECTIONS)
def test_control_characters_never_get_through(injection: str) -> None:
    for shown in (quote(f"a {injection} b"), guard_text(f"a {injection} b")):
        assert shown.isprintable(), repr(shown)
        assert "\n" not in shown
        assert "\r" not in shown


def test_tokens_keys_and_headers_are_replaced() -> None:
    text = f"Authorization: Bearer {JWT} api-key: {KEY} sk-proj-abcdefgh12345 {KEY}"
    cleaned = redact_text(text)
    assert JWT not in cleaned
    assert "c2lnbmF0dXJl" not in cleaned
    assert KEY not in cleaned
    assert "abcdefgh12345" not in cleaned


def test_length_is_capped_and_the_cut_never_leaves_half_a_secret() -> None:
    assert len(quote("x " * 5000, limit=100)) == 100
    secret = "Zq7" * 30  # a 90-character key that straddles the window
    shown = quote("word " * 900 + secret, limit=1000)
    assert "Zq7Zq7Zq7" not in shown
    assert shown.endswith("…")


def test_personal() -> None:
    assert redact_personal("principal alex@contoso.com") == "principal <user>"
    assert quote("principal alex@contoso.com") == "principal alex@contoso.com"  # on opt-in


# --- URLs -------------------------------------------------------------------------------------


def test_safe_url_hides_query_values_but_api_version() -> None:
    url = (
        "https://user:pw@r.openai.azure.com/openai/deployments/d/chat?api-version=2024-10-21"
        "&api-key=SECRET&sig=abc"
    )
    cleaned = safe_url(url)
    assert "SECRET" not in cleaned
    assert "pw" not in cleaned
    assert "sig=abc" not in cleaned
    assert "api-version=2024-10-21" in cleaned
    assert cleaned.startswith("https://r.openai.azure.com/openai/deployments/d/chat")
    assert "api-version" in SHOWN_QUERY_NAMES


@pytest.mark.parametrize(
    ("url", "hidden", "shown"),
    [
        ("https://u:Pa5s/Wd8Xy@host.example/x", ("Pa5s", "Wd8Xy"), "https://host.example/x"),
        ("https://u:Hs4#Qp8Zt@host.example/x", ("Hs4", "Qp8Zt"), "https://host.example/x"),
        ("https://u:Qm4?Zt8Xy@host.example/x", ("Qm4", "Zt8Xy"), "https://host.example/x"),
        ("https://u:Pq3@Lk9@host.example/x", ("Pq3", "Lk9"), "https://host.example/x"),
        ("https://u:Pw9%40Lk3@host.example/x", ("Pw9", "Lk3"), "https://host.example/x"),
        ("https://us%3APw7Zz%40host.example/x", ("Pw7Zz",), "https://host.example/x"),
        ("https://host.example:99999999/x?key=K7s", ("K7s",), "https://host.example:<redacted>/x"),
        ("https://host.example:Pw5Ty/x", ("Pw5Ty",), "https://host.example:<redacted>/x"),
        ("https://[::1/x?sig=Sg7Yt", ("Sg7Yt",), "https://<invalid-host>/x"),
        ("https://[::1]:8443/x?sig=Sg7Yt", ("Sg7Yt",), "https://[::1]:8443/x"),
        (
            "myres.openai.azure.com/openai?api-key=Ky8Rt",
            ("Ky8Rt",),
            "myres.openai.azure.com/openai",
        ),
        ("//host.example/a?token=Tk2Pq", ("Tk2Pq",), "//host.example/a"),
        ("/api/chat?code=Cd4Fg;x", ("Cd4Fg",), "/api/chat"),
        ("https://host.example/cb#access_token=At6Rf", ("At6Rf",), "https://host.example/cb"),
        ("https://host.example/p;jsessionid=Js8Hk", ("Js8Hk",), "https://host.example/p"),
        (f"https://host.example/keys/{KEY}/x", (KEY,), "https://host.example/keys/"),
        ("https://host.example/a\x1b[31m\u202eb", ("\x1b", "\u202e"), "https://host.example/a"),
    ],
)
def test_safe_url_holds_for_urls_that_do_not_parse(
    url: str, hidden: tuple[str, ...], shown: str
) -> None:
    cleaned = safe_url(url)
    for value in hidden:
        assert value not in cleaned, cleaned
    assert cleaned.startswith(shown), cleaned
    assert cleaned.isprintable()
    assert quote(cleaned).isprintable()


def test_safe_url_keeps_a_plain_anchor() -> None:
    url = "https://learn.microsoft.com/entra/identity-platform/access-tokens#token-lifetime"
    assert safe_url(url) == url


def test_keepable_url_keeps_host_and_path_for_classifying() -> None:
    kept, cacheable = keepable_url(
        "https://u:Pw1@myres.openai.azure.com/openai/deployments/My-Deploy/chat"
        "?api-version=2024-10-21&api-key=Ky9#frag"
    )
    assert kept == (
        "https://myres.openai.azure.com/openai/deployments/My-Deploy/chat"
        "?api-version=2024-10-21&api-key=<redacted>"
    )
    assert cacheable
    assert keepable_url(f"https://h.example/keys/{KEY}")[1] is False


def test_names_credential() -> None:
    for name in ("api_key", "apiKey", "X-Api-Key", "client_secret", "AccountKey", "sig", "Pwd"):
        assert names_credential(name), name
    for name in ("key_id", "token_type", "azure_ad_token_provider", "credential_scopes", "model"):
        assert not names_credential(name), name


# --- properties -------------------------------------------------------------------------------

#: a secret: letters and digits (at least one of each, so no word of the prose can hold it)
#: plus the punctuation keys and Entra secrets carry
_SECRET_ALPHABET = string.ascii_letters + string.digits + "~._-+/="
secrets_ = st.text(_SECRET_ALPHABET, min_size=6, max_size=48).filter(
    lambda s: any(c.isdigit() for c in s) and any(c.isalpha() for c in s) and s[0].isalnum()
)
_WORDS = st.sampled_from(("the", "gateway", "said", "request", "denied", "retry", "for", "user"))
prose = st.lists(_WORDS, max_size=6).map(" ".join)
#: credential-ish names, in every case and separator style
_NAME_PARTS = st.sampled_from(
    (
        ("api", "key"),
        ("client", "secret"),
        ("access", "token"),
        ("refresh", "token"),
        ("account", "key"),
        ("shared", "access", "key"),
        ("subscription", "key"),
        ("functions", "key"),
        ("password",),
        ("passwd",),
        ("pwd",),
        ("sig",),
        ("signature",),
        ("client", "assertion"),
        ("session", "token"),
        ("auth", "token"),
        ("private", "key"),
        ("primary", "key"),
        ("sas", "token"),
        ("credential",),
        ("passphrase",),
        ("x", "api", "key"),
    )
)


@st.composite
def names(draw: st.DrawFn) -> str:
    parts = draw(_NAME_PARTS)
    style = draw(st.sampled_from(("snake", "kebab", "camel", "pascal", "upper", "flat")))
    if style == "snake":
        return "_".join(parts)
    if style == "kebab":
        return "-".join(part.capitalize() if draw(st.booleans()) else part for part in parts)
    if style == "camel":
        return parts[0] + "".join(part.capitalize() for part in parts[1:])
    if style == "pascal":
        return "".join(part.capitalize() for part in parts)
    if style == "upper":
        return "_".join(parts).upper()
    return "".join(parts)


_SYNTAXES = (
    "{n}={v}",
    "{n} = {v}",
    "{n}: {v}",
    "{n}:{v}",
    '"{n}": "{v}"',
    "'{n}': '{v}'",
    '\\"{n}\\": \\"{v}\\"',
    "<{n}>{v}</{n}>",
    "{n}%3D{v}",
    "?{n}={v}&x=1",
    "&{n}={v}",
    "{n} provided: {v}",
)


@QUICK
@given(name=names(), syntax=st.sampled_from(_SYNTAXES), secret=secrets_, before=prose, after=prose)
def test_any_value_after_a_credential_name_is_replaced(
    name: str, syntax: str, secret: str, before: str, after: str
) -> None:
    text = f"{before} {syntax.format(n=name, v=secret)} {after}"
    shown = quote(text)
    assert secret not in shown, shown


#: opaque keys: random base62 (today's Azure keys), hex (the older ones), base64url
opaque_keys = st.one_of(
    st.text(string.ascii_letters + string.digits, min_size=32, max_size=90),
    st.text("0123456789abcdef", min_size=32, max_size=64),
    st.text(string.ascii_letters + string.digits + "-_", min_size=40, max_size=90),
).filter(lambda s: sum(c.isdigit() for c in s) >= 4 and sum(c.isalpha() for c in s) >= 4)


@QUICK
@given(
    key=opaque_keys,
    where=st.sampled_from(("/keys/{k}/chat", "{k}.json", " {k} ", "/{k}", "({k})", "'{k}'")),
    before=prose,
)
def test_an_opaque_key_on_its_own_is_replaced(key: str, where: str, before: str) -> None:
    shown = quote(f"{before} {where.format(k=key)} end")
    assert key not in shown, shown


_HOST = st.sampled_from(
    (
        "myres.openai.azure.com",
        "myres.services.ai.azure.com",
        "gw.contoso.example:8443",
        "[::1]:8080",
        "localhost",
        "127.0.0.1:5000",
        "[fe80::1",  # broken IPv6
        "host.example:99999",  # bad port
        "host.example:notaport",
    )
)
_PASSWORD_ALPHABET = string.ascii_letters + string.digits + "~!$&'()*+,;=:/?#@%.-_"


@QUICK
@given(
    scheme=st.sampled_from(("https://", "http://", "//", "")),
    user=st.text(string.ascii_letters, min_size=1, max_size=8),
    password=st.text(_PASSWORD_ALPHABET, min_size=6, max_size=24).filter(
        lambda s: sum(c.isdigit() for c in s) >= 2 and sum(c.isalpha() for c in s) >= 2
    ),
    host=_HOST,
    path=st.lists(st.sampled_from(("openai", "deployments", "gpt-4o", "chat", "v1")), max_size=4),
    query_name=st.sampled_from(("api-key", "sig", "code", "token", "x", "subscription-key")),
    query_value=secrets_,
)
def test_safe_url_never_shows_a_password_or_a_query_value(
    scheme: str,
    user: str,
    password: str,
    host: str,
    path: list[str],
    query_name: str,
    query_value: str,
) -> None:
    url = (
        f"{scheme}{user}:{password}@{host}/{'/'.join(path)}"
        f"?api-version=2024-10-21&{query_name}={query_value}"
    )
    for shown in (safe_url(url), quote(url), quote(f"call to {url} failed")):
        assert password not in shown, shown
        assert query_value not in shown, shown
        assert shown.isprintable()


@QUICK
@given(text=st.text(max_size=200))
def test_quoted_text_is_one_printable_line_and_quoting_is_idempotent(text: str) -> None:
    shown = quote(text, limit=120)
    assert shown.isprintable()
    assert len(shown) <= 120
    assert quote(shown, limit=120) == shown
    guarded = guard_text(text)
    assert guarded.isprintable()
    assert guard_text(guarded) == guarded


_PIECES = st.sampled_from(
    [*"aZ09_.~-[]:% /,()'@\t\u00e9\u0661\u00b2", "Bearer", "basic", "BASIC", "eyJ", "sk-", "x" * 20]
)


@given(st.lists(_PIECES, max_size=8).map("".join))
def test_what_the_patterns_judge_is_judged_alike_without_them(text: str) -> None:
    """The character tests that spare a first diagnosis compiling a pattern agree with it."""
    import re

    from foundry_doctor.facts import redaction

    assert redaction._is_short_text(text) == (redaction._SHORT_TEXT().fullmatch(text) is not None)
    assert redaction._is_host(text) == (redaction._HOST().fullmatch(text) is not None)
    ipv4 = re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}", text) is not None
    assert redaction._is_ipv4(text) == ipv4
    assert redaction.looks_personal(text) == (redaction._EMAIL().search(text) is not None)


_URL_PIECES = st.sampled_from(
    [*"aZ09_.~-:/?#=&@%;'\"` <>\t\n\u00e9", "://", "https://", "x" * 12, "eyJ", "sk-"]
)


@given(st.lists(_URL_PIECES, max_size=12).map("".join))
def test_the_url_tail_pattern_takes_runs_as_it_took_characters(text: str) -> None:
    """The URL tail pattern consumes a run of plain characters at once; it finds exactly what
    the pattern that took them one at a time found (the same language, the same greedy path:
    the two alternatives never start with the same character)."""
    import re

    from foundry_doctor.facts import redaction

    one_at_a_time = re.compile(r"://((?:[^\s<>\"'`]|[\"'`](?=[^\s<>]*@))+)")
    found = [match.span() for match in redaction._URL_TAIL().finditer(text)]
    assert found == [match.span() for match in one_at_a_time.finditer(text)]


_URL_PART = st.lists(
    st.sampled_from(
        [
            *"aZ09.-/_~:?#@%;= \u00e9",
            "myres",
            "services.ai.azure.com",
            "x" * 15,
            "a1B2c3D4e5F6g7H8",
            "0123456789abcdef0123456789abcdef",
            "1.2.3.4",
        ]
    ),
    max_size=6,
).map("".join)


#: labels and segments of plain URLs, with near misses (16 characters, upper case, '_')
_LABELS = st.sampled_from(["myres", "services", "ai", "com", "x" * 15, "x" * 16, "1", "-", "My_"])
_SEGMENTS = st.sampled_from(["models", "v1", "A_b~c.d", "", "x" * 15, "a1B2c3D4e5F6g7H8", "c;d"])


@given(
    scheme=st.sampled_from(["https://", "http://", "HTTPS://", "ftp://", "//", ""]),
    host=st.one_of(st.lists(_LABELS, min_size=1, max_size=5).map(".".join), _URL_PART),
    path=st.lists(st.one_of(_SEGMENTS, _URL_PART), max_size=4).map("/".join),
)
def test_a_plain_url_is_shown_as_the_parts_would_show_it(scheme: str, host: str, path: str) -> None:
    """The character test that lets a plain URL through unchanged agrees with the parts."""
    from foundry_doctor.facts import redaction

    text = (f"{scheme}{host}/{path}" if path else f"{scheme}{host}").strip()
    shown = redaction._shown_url(text)
    assert redaction._is_plain_url(text) <= (shown == text)
    assert safe_url(text) == (shown if len(shown) <= 300 else shown[:299] + "\u2026")


@QUICK
@given(text=st.text(max_size=300))
def test_a_text_of_ours_is_guarded_once_and_shown_as_guarding_shows_it(text: str) -> None:
    """What ours() remembers, guard_text gives back as it would have guarded it, and still cuts
    to a shorter limit."""
    from foundry_doctor.facts import redaction

    known = guard_text(text) in redaction._OURS
    shown = redaction.ours(text)
    try:
        assert shown in redaction._OURS
        assert shown == guard_text(text)
        assert guard_text(shown) == shown
        assert guard_text(shown, limit=10) == guard_text(guard_text(text), limit=10)
        assert len(guard_text(shown, limit=10)) <= 10
    finally:
        if not known:  # leave what this process remembers as it was
            redaction._OURS.discard(shown)
