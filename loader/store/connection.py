"""Which server to talk to: ``--endpoint`` (a base URL), ``--store`` and named ``--profile``s.

``--endpoint`` means one thing in every command: the server's base URL (the dataset URL for
Fuseki, the repository URL for GraphDB); ``--store`` says where that server keeps its query,
update and graph-store URLs (:mod:`loader.store.profiles`). ``--store generic`` takes the
URLs as they are, so a full query URL still works for ``tradekg query``.

A profile names a connection so that ``--profile prod`` replaces three flags. Profiles live
in the project's ``tradekg.toml`` (``[profiles.NAME]``) or ``pyproject.toml``
(``[tool.tradekg.profiles.NAME]``) and hold only where and how to connect — never who: a
config file gets committed and shared, so credentials come from ``TRADEKG_USER`` /
``TRADEKG_PASSWORD`` or ``~/.netrc`` only, and a password in the file is refused.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from loader.problems import InputError, Problem
from loader.store.credentials import bare_url
from loader.store.profiles import AuthScheme, ProfileError, StoreKind, StoreProfile, profile_for

CONFIG_FILE = "tradekg.toml"
PYPROJECT = "pyproject.toml"
#: keys a profile may have, and what each one is for (listed when a key is refused)
PROFILE_KEYS = {
    "endpoint": "the server's base URL",
    "store": "oxigraph, fuseki, graphdb, virtuoso or generic",
    "auth": "basic or digest (default: what the store wants)",
    "query-endpoint": "a query URL other than the store's usual one",
    "update-endpoint": "an update URL other than the store's usual one",
}
#: keys that would put a credential in the file
SECRET_KEYS = frozenset({"password", "passwd", "pass", "secret", "token", "user", "username"})
#: what a server's ``Server:`` header says about which store it is
_SERVER_HEADERS = (
    (re.compile(r"oxigraph", re.IGNORECASE), StoreKind.OXIGRAPH),
    (re.compile(r"virtuoso", re.IGNORECASE), StoreKind.VIRTUOSO),
    (re.compile(r"fuseki", re.IGNORECASE), StoreKind.FUSEKI),
    (re.compile(r"graphdb", re.IGNORECASE), StoreKind.GRAPHDB),
)


_NAMES = {
    StoreKind.OXIGRAPH: "an Oxigraph server",
    StoreKind.VIRTUOSO: "a Virtuoso server",
    StoreKind.FUSEKI: "an Apache Jena Fuseki server",
    StoreKind.GRAPHDB: "a GraphDB server",
}


@dataclass(frozen=True, slots=True)
class Connection:
    """A resolved connection: the store's profile, and where the settings came from."""

    profile: StoreProfile
    endpoint: str
    auth: AuthScheme
    source: str

    @property
    def query_url(self) -> str:
        return self.profile.query_url


@dataclass(frozen=True, slots=True)
class NamedProfile:
    """One ``[profiles.NAME]`` table as written, with the file it came from."""

    name: str
    file: str
    settings: Mapping[str, str]


def _line_of(text: str, pattern: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(pattern, line.strip()):
            return number
    return None


def _read_toml(path: Path) -> tuple[dict[str, Any], str] | None:
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        problem = Problem(
            "bad-config",
            f"not valid TOML: {error}",
            file=path.name,
            line=_toml_error_line(error),
            hint="fix the syntax (https://toml.io); profiles are [profiles.NAME] tables",
        )
        raise InputError([problem]) from None


def _toml_error_line(error: tomllib.TOMLDecodeError) -> int | None:
    """The line of a TOML syntax error (Python 3.11 has it only in the message)."""
    found = re.search(r"at line (\d+)", str(error))
    return int(found.group(1)) if found else None


def read_profiles(root: Path) -> dict[str, NamedProfile]:
    """Every connection profile of the project at ``root``, checked.

    Raises:
        InputError: a file is not TOML, a profile has an unknown key, a credential, a value
            that is not a string, or the same name is defined in both files (all at once).
    """
    found: dict[str, NamedProfile] = {}
    problems: list[Problem] = []
    sources = (
        (root / CONFIG_FILE, ("profiles",), "[profiles.{name}]"),
        (root / PYPROJECT, ("tool", "tradekg", "profiles"), "[tool.tradekg.profiles.{name}]"),
    )
    for path, keys, header in sources:
        loaded = _read_toml(path)
        if loaded is None:
            continue
        data, text = loaded
        table: Any = data
        for key in keys:
            table = table.get(key, {}) if isinstance(table, dict) else {}
        if not isinstance(table, dict):
            continue
        for name, settings in table.items():
            where = header.format(name=name)
            line = _line_of(text, re.escape(where))
            if not isinstance(settings, dict):
                problems.append(
                    Problem("bad-config", f"{where} must be a table", file=path.name, line=line)
                )
                continue
            problems += _check_profile(settings, where=where, file=path.name, text=text)
            if name in found:
                problems.append(
                    Problem(
                        "bad-config",
                        f"profile {name!r} is defined in both {found[name].file} and {path.name}",
                        file=path.name,
                        line=line,
                        hint="keep one of them",
                    )
                )
            found[name] = NamedProfile(
                name, path.name, {k: str(v) for k, v in settings.items() if isinstance(v, str)}
            )
    if problems:
        raise InputError(problems)
    return found


def _check_profile(
    settings: Mapping[str, Any], *, where: str, file: str, text: str
) -> list[Problem]:
    problems: list[Problem] = []
    for key, value in settings.items():
        line = _line_of(text, rf"{re.escape(key)}\s*=") or _line_of(text, re.escape(where))
        if key.lower() in SECRET_KEYS:
            problems.append(
                Problem(
                    "credential-in-config",
                    f"{where} has a {key!r}: credentials are never read from a config file "
                    "(it gets committed and shared); the value was not used and is not shown",
                    file=file,
                    line=line,
                    hint="remove it; set TRADEKG_USER and TRADEKG_PASSWORD, or use ~/.netrc",
                )
            )
        elif key not in PROFILE_KEYS:
            allowed = "; ".join(f"{k} ({why})" for k, why in PROFILE_KEYS.items())
            problems.append(
                Problem(
                    "unknown-config-key",
                    f"{where} has an unknown key {key!r}",
                    file=file,
                    line=line,
                    hint=f"a profile may have: {allowed}",
                )
            )
        elif not isinstance(value, str):
            problems.append(
                Problem("bad-config", f"{where}: {key} must be a string", file=file, line=line)
            )
        elif key.endswith("endpoint"):
            parts = urlsplit(value)
            if parts.username is not None or parts.password is not None:
                problems.append(
                    Problem(
                        "credential-in-config",
                        f"{where}: {key} carries user:password@; credentials are never read "
                        "from a config file (not used, not shown)",
                        file=file,
                        line=line,
                        hint="remove them from the URL; set TRADEKG_USER / TRADEKG_PASSWORD "
                        "or use ~/.netrc",
                    )
                )
    stores = [kind.value for kind in StoreKind]
    choices = (
        ("store", stores, "one of " + ", ".join(stores)),
        ("auth", [scheme.value for scheme in AuthScheme], "basic or digest"),
    )
    for key, known, hint in choices:
        value = settings.get(key)
        if isinstance(value, str) and value not in known:
            problems.append(
                Problem(
                    "bad-config",
                    f"{where}: unknown {key} {value!r}",
                    file=file,
                    line=_line_of(text, rf"{key}\s*="),
                    hint=hint,
                )
            )
    return problems


def connect(
    root: Path,
    *,
    endpoint: str | None,
    store: str | None,
    profile: str | None = None,
    auth: str | None = None,
    query_endpoint: str | None = None,
    update_endpoint: str | None = None,
    default_endpoint: str | None = None,
    for_query: bool = False,
) -> Connection | None:
    """The connection the options ask for, or None when no endpoint is named at all.

    Flags given on the command line win over the profile's settings; the store defaults to
    ``oxigraph``. ``default_endpoint`` is used when neither flag nor profile names one
    (``tradekg load`` talks to a local server by default; ``tradekg query`` runs locally).
    ``for_query``: with ``--store generic`` the endpoint is the query URL itself.

    Raises:
        InputError: an unknown profile (the known ones listed), a bad config file, or an
            endpoint that does not fit the store (a usage error: exit 2).
    """
    settings: Mapping[str, str] = {}
    source = "the command line"
    if profile is not None:
        profiles = read_profiles(root)
        if profile not in profiles:
            known = ", ".join(sorted(profiles)) or "none"
            raise InputError(
                [
                    Problem(
                        "unknown-profile",
                        f"there is no connection profile {profile!r} (defined: {known})",
                        hint=f"add [profiles.{profile}] to {CONFIG_FILE} or "
                        f"[tool.tradekg.profiles.{profile}] to {PYPROJECT}, with endpoint and "
                        "store (see docs/TRIPLESTORES.md)",
                    )
                ]
            )
        chosen = profiles[profile]
        settings = chosen.settings
        source = f"profile {profile!r} ({chosen.file})"
    endpoint = endpoint or settings.get("endpoint") or default_endpoint
    if endpoint is None:
        if profile is not None:
            raise InputError(
                [Problem("bad-config", f"profile {profile!r} has no endpoint", hint="add one")]
            )
        return None
    kind = store or settings.get("store") or StoreKind.OXIGRAPH.value
    query_endpoint = query_endpoint or settings.get("query-endpoint")
    update_endpoint = update_endpoint or settings.get("update-endpoint")
    if for_query and kind == StoreKind.GENERIC.value and query_endpoint is None:
        query_endpoint = endpoint  # a full query URL, as before
    try:
        store_profile = profile_for(
            kind, endpoint, query_endpoint=query_endpoint, update_endpoint=update_endpoint
        )
    except ProfileError as error:
        raise InputError([Problem("bad-endpoint", str(error), hint=_endpoint_hint())]) from None
    scheme = AuthScheme(auth or settings.get("auth") or store_profile.auth.value)
    store_profile = dataclasses.replace(store_profile, auth=scheme)
    return Connection(store_profile, endpoint.rstrip("/"), scheme, source)


def _endpoint_hint() -> str:
    return (
        "--endpoint is the server's base URL (e.g. http://127.0.0.1:7878) and --store says "
        "which server it is; for a full query URL use --store generic"
    )


def identify_server(url: str, *, timeout: float = 5.0) -> StoreKind | None:
    """Which store answers at ``url``, from its ``Server`` header (None: cannot tell).

    One GET without credentials, its headers only, within ``timeout`` seconds in all; any
    failure means "cannot tell", never an error.
    """
    import requests

    from loader.store.transport import TransferError, fetch, new_session

    try:
        with new_session(url) as session:
            response = fetch(session, "GET", url, seconds=timeout, read_body=False)
        header = response.headers.get("Server", "")
    except (requests.RequestException, TransferError, OSError, ValueError):
        return None
    for pattern, kind in _SERVER_HEADERS:
        if pattern.search(header or ""):
            return kind
    return None


def check_store(connection: Connection, *, timeout: float = 5.0) -> None:
    """Refuse to go on when the server at the endpoint says it is another store.

    A Virtuoso URL with ``--store oxigraph`` would otherwise end in a bare 404 from a URL
    the user never typed.

    Raises:
        InputError: the server identifies itself as a different store than ``--store``.
    """
    kind = connection.profile.kind
    if kind is StoreKind.GENERIC:
        return
    actual = identify_server(connection.endpoint, timeout=timeout)
    if actual is None or actual is kind:
        return
    raise InputError(
        [
            Problem(
                "wrong-store",
                f"{bare_url(connection.endpoint)} is {_NAMES[actual]}, but --store "
                f"{kind.value} was given (from {connection.source})",
                hint=f"use --store {actual.value} (and its base URL as --endpoint), or "
                "--store generic with the full query URL",
            )
        ]
    )
