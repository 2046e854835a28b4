"""Developer tasks. ``python3 -m nox`` runs the default set (what CI runs); ``nox -s demo``
runs the demo against the bundled emulator; ``nox -l`` lists everything."""

from __future__ import annotations

import re
import tarfile
from pathlib import Path

import nox

#: the framework sessions CI runs (the ones that install quickly); all of them: nox -s frameworks
CI_FRAMEWORKS = ("langchain_openai", "agent_framework", "autogen", "llama_index")

nox.options.error_on_missing_interpreters = False
nox.needs_version = ">=2024.3.2"


#: openai releases the integration supports, each with a different transport or hook behaviour
OPENAI_VERSIONS = {
    "1.109": "openai>=1.109,<1.110",  # httpx; hook exceptions wrapped and retried
    "2.30": "openai>=2.30,<2.31",  # httpx; last release that wraps hook exceptions
    "2.latest": "openai>=2.31,<3",  # httpx; hook exceptions propagate
    "3.latest": "openai>=3,<4",  # httpx2
}

#: azure-core: the oldest release azure-ai-inference accepts, and the newest
AZURE_CORE_VERSIONS = {
    "oldest": "azure-core==1.30.0",
    "latest": "azure-core",
}


#: the default set (what CI runs). ``tests`` installs the newest openai and azure-core, so the
#: matrix adds the releases it does not: ``nox -s openai`` / ``nox -s azure_core`` run all of them
NEWEST_OPENAI = "3.latest"
NEWEST_AZURE_CORE = "latest"
nox.options.sessions = [
    "lint",
    "types",
    "tests",
    *(f"openai(version='{name}')" for name in OPENAI_VERSIONS if name != NEWEST_OPENAI),
    *(f"azure_core(version='{name}')" for name in AZURE_CORE_VERSIONS if name != NEWEST_AZURE_CORE),
    *(f"frameworks({name})" for name in CI_FRAMEWORKS),
]


#: each framework pinned to the releases foundry-doctor supports (tests/frameworks/test_<name>.py
#: runs against the newest release in the range). Where the support reads a private attribute
#: the range is narrow: a release outside it may keep its clients elsewhere.
FRAMEWORKS = {
    # public fields root_client / root_async_client; 1.6 began re-raising as its own classes
    "langchain_openai": ("langchain-openai>=1.6,<2",),
    # fast-moving: the clients are built in private helpers (_resources.py)
    "langchain_azure_ai": ("langchain-azure-ai[v1]>=1.2.12,<1.3",),
    # the public attribute client; agent-framework-foundry caps azure-ai-projects below 2.8
    "agent_framework": ("agent-framework-openai>=1.17,<2", "agent-framework-foundry>=1.15,<2"),
    # the public field client, Kernel.services; pins pydantic<2.14 and azure-ai-projects<2.5
    "semantic_kernel": ("semantic-kernel>=1.45,<2",),
    # private _get_client() / _get_aclient(); llama-index-llms-openai needs openai<3 (httpx)
    "llama_index": (
        "llama-index-llms-azure-openai>=0.6,<0.7",
        "llama-index-embeddings-azure-openai>=0.6,<0.7",
    ),
    # private _client; AutoGen is in maintenance, 0.7 its last line
    "autogen": ("autogen-ext[openai]>=0.7,<0.8",),
    # daily releases, classifies errors by their words; num_retries needs tenacity
    "litellm": ("litellm>=1.110,<1.111", "tenacity>=8"),
}
#: what the framework tests need besides the framework: the emulator, pytest
FRAMEWORK_TEST_TOOLS = ("pytest>=8", "pytest-asyncio>=0.24")


#: prints "<distribution> <version>" for each distribution named on the command line
_PRINT_VERSIONS = (
    "import sys, importlib.metadata as m; print(*(f'{n} {m.version(n)}' for n in sys.argv[1:]))"
)


#: pytest-xdist: one worker per core (each worker starts its own emulator on its own port)
_PARALLEL = ("-n", "auto")


def _install(session: nox.Session, *extra: str, extras: str = "test") -> None:
    session.install("-e", f".[{extras}]", *extra)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite with the current SDK releases (and azure-ai-projects)."""
    _install(session, extras="test,projects")
    session.run("pytest", *_PARALLEL, *session.posargs)


@nox.session
@nox.parametrize("version", list(OPENAI_VERSIONS))
def openai(session: nox.Session, version: str) -> None:
    """The openai integration and emulator tests on one supported openai release."""
    _install(session, OPENAI_VERSIONS[version])
    session.run("python", "-c", "import openai; print('openai', openai.__version__)")
    session.run("pytest", "-m", "openai", "-q", *_PARALLEL, *session.posargs)


@nox.session
@nox.parametrize("version", list(AZURE_CORE_VERSIONS))
def azure_core(session: nox.Session, version: str) -> None:
    """The azure-core integration and emulator tests on the oldest and newest azure-core."""
    _install(session, AZURE_CORE_VERSIONS[version])
    session.run("python", "-c", "import azure.core; print('azure-core', azure.core.__version__)")
    session.run("pytest", "-m", "azure", "-q", *_PARALLEL, *session.posargs)


@nox.session
@nox.parametrize("framework", list(FRAMEWORKS), ids=list(FRAMEWORKS))
def frameworks(session: nox.Session, framework: str) -> None:
    """One framework, pinned to its supported releases, through the real framework against the
    emulator (tests/frameworks). CI runs the quick ones (CI_FRAMEWORKS); ``nox -s frameworks``
    runs all."""
    pins = FRAMEWORKS[framework]
    _install(session, *pins, *FRAMEWORK_TEST_TOOLS, extras="emulator")
    names = [re.split(r"[\[<>=!~ ]", pin, maxsplit=1)[0] for pin in (*pins, "openai")]
    session.run("python", "-c", _PRINT_VERSIONS, *names)
    session.run(
        "pytest", f"tests/frameworks/test_{framework}.py", "-m", "frameworks", "-q",
        "-p", "no:cacheprovider", *session.posargs,
    )  # fmt: skip


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", "src", "tests", "samples", "benchmarks", "noxfile.py")
    session.run("ruff", "format", "--check", "src", "tests", "samples", "benchmarks", "noxfile.py")


@nox.session
def types(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", ".[all,otel]", "mypy>=1.10")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmarks: success-path overhead, error path, streaming, import time (prints ratios;
    ``-- --quick`` for a smoke run). Not part of the default run."""
    _install(session, extras="test")
    session.run("python", "benchmarks/run_all.py", *session.posargs)


@nox.session
def fuzz(session: nox.Session) -> None:
    """The long property run of the diagnosis engine on bad input (about 20 000 examples per
    property). Not part of the default run."""
    _install(session)
    session.run(
        "pytest",
        "tests/unit",
        "-m",
        "slow",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={"HYPOTHESIS_PROFILE": "fuzz"},
    )


@nox.session
def demo(session: nox.Session) -> None:
    """The main job: the guided demo against the bundled emulator (no Azure account needed)."""
    session.install("-e", ".[all]")
    session.run("foundry-doctor", "demo", *session.posargs)


#: what openai's own test suite needs besides openai (its dev dependency group, less the linters
#: and type checkers), and the extras its tests exercise
OPENAI_TEST_DEPENDENCIES = (
    "pytest>=9",
    "pytest-asyncio>=1.4",
    "pytest-xdist>=3.6",
    "inline-snapshot>=0.28",
    "rich>=13.7",
    "trio>=0.22",
    "griffe>=1",
    "azure-identity>=1.14",
    "Pillow",
)
OPENAI_TEST_EXTRAS = "aiohttp,realtime,datalib,bedrock,vertex"
#: left out of the parity runs: the tests of every API resource, which call openai's mock server
#: (Stainless' prism, a Node.js program on 127.0.0.1:4010 that this machine does not run)
OPENAI_MOCK_SERVER_TESTS = "tests/api_resources"
PARITY_MODES = ("bare", "instrument", "hooks")


@nox.session
def parity(session: nox.Session) -> None:
    """openai's own test suite, from the source distribution of the installed release, run bare,
    with every client through instrument() and with every client through install_hooks();
    prints the tests whose outcome differs (exit 1 if any). Not part of the default run."""
    _install(session, extras="test")
    version = session.run("python", "-c", "import openai; print(openai.__version__)", silent=True)
    version = str(version).strip()
    session.install(f"openai[{OPENAI_TEST_EXTRAS}]=={version}", *OPENAI_TEST_DEPENDENCIES)
    work = Path(session.create_tmp()).resolve()
    sdist = work / f"openai-{version}.tar.gz"
    if not sdist.exists():
        session.run(
            "pip", "download", "--no-binary", ":all:", "--no-deps", "--quiet",
            f"openai=={version}", "-d", str(work),
        )  # fmt: skip
    source = work / f"openai-{version}"
    if not source.exists():
        with tarfile.open(sdist) as archive:
            if hasattr(tarfile, "data_filter"):  # Python 3.10.12+: refuse odd members
                archive.extractall(work, filter="data")
            else:
                archive.extractall(work)  # noqa: S202 - PyPI's sdist of the installed release
    if not (source / "tests" / "conftest.py").exists():
        session.error(f"the source distribution of openai {version} has no test suite")
    plugin_dir = Path(__file__).resolve().parent / "tests" / "parity"
    compare = str(plugin_dir / "compare.py")

    def run_suite(mode: str, report: Path, *arguments: str) -> None:
        with session.chdir(source):
            session.run(
                "python", "-m", "pytest", "-p", "foundry_doctor_parity", "-p", "no:cacheprovider",
                "-q", "--no-header", "--tb=no", "-rN", *arguments,
                env={
                    "PYTHONPATH": str(plugin_dir),
                    "FOUNDRY_DOCTOR_PARITY": mode,
                    "FOUNDRY_DOCTOR_PARITY_REPORT": str(report),
                },
                success_codes=[0, 1, 5],
            )  # fmt: skip

    reports = []
    for mode in PARITY_MODES:
        session.log(f"openai {version} test suite, {mode}")
        reports.append(work / f"{mode}.json")
        run_suite(
            mode, reports[-1], "-o", "addopts=-n auto",
            f"--ignore={OPENAI_MOCK_SERVER_TESTS}", *session.posargs,
        )  # fmt: skip
    differing = work / "differing.txt"
    session.run(
        "python", compare, *map(str, reports), "--ids", str(differing), success_codes=[0, 1]
    )
    if not differing.read_text(encoding="utf-8").strip():
        return
    # a test that flips under load in one run is no difference: run those again, one at a time
    session.log("the tests that differed, once more in each mode, without parallel workers")
    again = []
    for mode in PARITY_MODES:
        again.append(work / f"{mode}-again.json")
        run_suite(mode, again[-1], "-o", "addopts=", "-p", "no:xdist", f"@{differing}")
    session.run("python", compare, *map(str, again))
