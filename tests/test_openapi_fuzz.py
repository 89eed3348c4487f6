"""Schemathesis against the app's own OpenAPI: every operation, every role and no token, every check.

The app is called in-process (schemathesis' ASGI transport, no socket) on the loaded catalogue inside
the test's rolled-back transaction, on SQLite always and on PostgreSQL when RATECARD_TEST_DATABASE_URL
is set. One test per role (no token, and a token of each role); each sends, for every operation:

- schemathesis' coverage cases (deterministic: boundary values, wrong types, missing fields, methods
  the schema does not list, malformed content types), capped per operation with every kind kept;
- edge cases: each integer and text field the schema leaves unbounded set to a value just past the
  32-bit and 64-bit integer ranges or holding a NUL, and a JSON body that is not UTF-8;
- a bounded number of Hypothesis examples, positive and negative, with derandomize=True (a fixed
  seed: the same requests every run). Failures are collected, never raised inside Hypothesis, so
  nothing is shrunk and no time goes on it.

Every response is validated once with every check schemathesis has registered plus two of our own
(`response_body_documented`, `token_enforced`); a hook hands back which check said what. Findings are
grouped by (check, operation, status, kind), each with the smallest request seen, its response and,
for a 500, the exception behind it; the test fails listing them all.

bench/fuzz.py runs the same driver for longer, on a fresh SQLite database.
"""

from __future__ import annotations

import json
import re
import textwrap
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import Failure, FailureGroup

OPENAPI_PATH = "/api/v1/openapi.json"
ROLES = ("anonymous", "practitioner", "practitioner_east", "hub", "caseworker", "commissioner", "admin")
# Given to schemathesis' configuration (what its own runners seed from) and suggested by
# bench/fuzz.py --seed for exploring; the examples themselves are fixed by derandomize=True.
SEED = 20261201

# ---------------------------------------------------------------------------------------------
# Which checks, and what the test tells schemathesis about the API.
# ---------------------------------------------------------------------------------------------

load_all_checks()
# Every check registered with schemathesis (14 in 4.32.5), read from its registry and passed
# explicitly to every validation: they are all enabled by default in this version, but an explicit
# list means no config file or later default can quietly turn one off (a check schemathesis adds
# later is picked up too; EXPECTED_CHECKS fails the test if one of today's disappears).
# Left out, on purpose: `max_response_time`, which is not a registered check but a limit that is off
# unless given a number; in-process response times on a shared 2-core CI machine measure the
# machine, not the API (bench/referrals_load.py measures latency properly, over real sockets).
# Notes on checks that see little in this mode (they still run on every response):
# - `ignored_auth` and `object_level_authorization` act only on operations whose OpenAPI declares a
#   security scheme; ratecard's declares none, so they pass vacuously. `token_enforced` below checks
#   the same thing against what the API says in words ("Referral endpoints need a Bearer token").
# - `use_after_free` and `ensure_resource_availability` need a recorded multi-step scenario
#   (schemathesis' stateful phase); they pass vacuously on single requests. The API has no DELETE,
#   so use_after_free has nothing to find anyway.
ALL_CHECKS: list[Callable[..., Any]] = [c for c in CHECKS.get_all() if callable(c) and not isinstance(c, type)]
EXPECTED_CHECKS = {
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
    "response_schema_conformance", "negative_data_rejection", "positive_data_acceptance", "missing_required_header",
    "unsupported_method", "allow_header_conformance", "use_after_free", "ensure_resource_availability",
    "ignored_auth", "object_level_authorization",
}

# `positive_data_acceptance` expects a schema-valid request to be answered 2xx (or 401/403/404/409/
# 429). Telling it the truth: two kinds of operation also answer a schema-valid request 422 when a
# rule that JSON Schema cannot state blocks it (README: "422: Invalid input, or a brochure rule
# blocks it; problems are listed"):
# - the referral operations: an unknown service or option id, expected_end before expected_start,
#   a date of birth in the future (create); a submission the brochures' rules block, an allocation
#   without a caseworker of the provider, a cancellation or rejection without a reason (the actions);
# - POST /api/v1/match: a date_of_birth after as_of (or today) — relative to the day, or to another
#   field, so no schema can say it;
# - booking and feedback (POST /api/v1/referrals/{id}/appointments, /api/v1/appointments/...): an
#   appointment before the referral was accepted or over six months ahead, feedback before it
#   started, an in-person one with no place, a late arrival without its reason — relative to the
#   clock, the referral's history or another field;
# - groups (POST /api/v1/groups...): a programme not delivered in groups, a capacity over the
#   brochure's limit, a register missing a member — relative to the catalogue or the group;
# - desired outcomes (PUT /api/v1/referrals/{id}/desired-outcomes): a code the referral's service
#   does not offer — relative to the catalogue;
# - the performance figures and CSV (GET /api/v1/reports/...): an end date before the start date,
#   or more than thirteen months — relative to another field;
# - the sentencing checker (POST /api/v1/sentencing/check): a sentence date before the conviction date,
#   a measure the requirement type does not take (hours on a curfew), a community order without its
#   length — relative to another field;
# - price lists (POST /api/v1/price-lists, .../import, PUT .../entries): a service or option that is not
#   the provider's orderable one, an option priced twice, valid_to before valid_from, a CSV row that is
#   not a price, publishing a list with no entries — relative to the catalogue, another field or the list.
# Nothing else gets this allowance: a 422 on the catalogue, rules-report or token operations for
# schema-valid input is a finding (the schema would be promising something the API refuses).
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
# One filter, on the name: include-path-regex with include-method matched every POST (they are ORed).
BUSINESS_RULE_422 = {"include-name-regex": r"^((POST|PATCH) /api/v1/(referrals|match|appointments|groups|group-sessions)"
                                           r"|PUT /api/v1/referrals/\{referral_id\}/desired-outcomes|GET /api/v1/reports/|POST /api/v1/sentencing/check"
                                           r"|(POST|PUT) /api/v1/price-lists)"}


def fuzz_config() -> schemathesis.Config:
    """The schemathesis configuration of these runs (never a schemathesis.toml found on disk)."""
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "operations": [
                {
                    **BUSINESS_RULE_422,
                    "checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "422"]}},
                }
            ],
        }
    )


def token_enforced(role: str) -> Callable[..., None]:
    """A check of our own: referral operations refuse a request without a token (never 2xx) and do not
    refuse a valid token with 401. Needed because the schema declares no security scheme, so
    schemathesis' `ignored_auth` cannot know that these operations need one."""

    def token_enforced(ctx: Any, response: Any, case: Any) -> None:
        if not case.operation.path.startswith("/api/v1/referrals"):
            return
        if role == "anonymous" and 200 <= response.status_code < 300:
            raise AssertionError(f"Answered {response.status_code} without a token")
        if role != "anonymous" and response.status_code == 401:
            raise AssertionError(f"Answered 401 to a valid {role} token")

    return token_enforced


def response_body_documented(ctx: Any, response: Any, case: Any) -> None:
    """A check of our own: a response with a body has that body described for its status code.

    schemathesis validates a body only against a schema the document gives; where a status code is
    documented with a description alone (FastAPI's `responses=` without `content`), any body passes
    unseen, so a client generated from the document cannot read ratecard's error messages. An
    undocumented status code is `status_code_conformance`'s to report."""
    documented = case.operation.definition.raw.get("responses", {})
    entry = documented.get(str(response.status_code)) or documented.get(f"{str(response.status_code)[0]}XX")
    if entry is None or not response.content:
        return
    if not entry.get("content"):
        raise AssertionError(
            f"{response.status_code} has a body, but the OpenAPI describes no content for it "
            f"(only {entry.get('description', '')!r})"
        )


# ---------------------------------------------------------------------------------------------
# The driver (bench/fuzz.py uses it too).
# ---------------------------------------------------------------------------------------------


class CaptureErrors:
    """ASGI wrapper: counts requests, and keeps the exception behind a 500 instead of re-raising it.

    Starlette answers an unhandled exception with a 500 and then re-raises it, which an in-process
    client would turn into a crash of the test; a real server logs it and the client sees the 500.
    This does the same, and keeps the exception for the report."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests = 0
        self.last_error: str | None = None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.requests += 1
        try:
            await self.app(scope, receive, send)
        except Exception as exc:  # noqa: BLE001 - the 500 was already sent
            frames = traceback.extract_tb(exc.__traceback__)
            ours = [f for f in frames if "/ratecard/" in f.filename.replace("\\", "/")] or frames
            where = f"{ours[-1].filename.rsplit('/src/', 1)[-1]}:{ours[-1].lineno}" if ours else "?"
            self.last_error = f"{type(exc).__module__}.{type(exc).__name__} at {where}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"


@dataclass
class Finding:
    """One distinct failure: a check, an operation, a status code and the kind of failure."""

    check: str
    operation: str
    status: int
    title: str
    message: str
    request: str
    response: str
    error: str | None
    roles: set[str] = field(default_factory=set)
    count: int = 0

    def render(self) -> str:
        lines = [
            f"[{self.check}] {self.operation} -> {self.status}: {self.title}  "
            f"({self.count}x; roles: {', '.join(sorted(self.roles))})",
            textwrap.indent(self.message.strip(), "    why: ", lambda _: True) if self.message.strip() else "",
            f"    request:  {self.request}",
            f"    response: {self.response}",
        ]
        if self.error:
            lines.append(f"    server:   {self.error}")
        return "\n".join(line for line in lines if line)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _short(text: str, limit: int = 400) -> str:
    """One line, control characters shown as escapes (NUL is one of the findings), cut at `limit`."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


_QUIET_HEADERS = {"authorization", "user-agent", "accept-encoding", "accept", "connection", "content-length",
                  "x-schemathesis-testcaseid"}


def _describe_request(response: Any) -> str:
    """The request as sent: method, path and query, headers worth showing, body."""
    request = response.request
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "backslashreplace")
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _QUIET_HEADERS}
    parts = [f"{request.method} {request.url.replace('http://testserver', '')}"]
    if headers:
        parts.append(f"headers={json.dumps(headers, ensure_ascii=True)}")
    if body:
        parts.append(f"body={body}")
    return _short(" ".join(parts), 700)


@dataclass
class Target:
    """The app's OpenAPI loaded by schemathesis, with what every run against it shares."""

    schema: Any
    operations: list[Any]
    results: list[Any] = field(default_factory=list)
    _coverage: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, app: Any) -> Target:
        """Fetch /api/v1/openapi.json from `app` (in-process) and prepare every operation."""
        schema = schemathesis.openapi.from_asgi(OPENAPI_PATH, app, config=fuzz_config())
        names = {c.__name__ for c in ALL_CHECKS}
        assert EXPECTED_CHECKS <= names, f"schemathesis lost checks: {EXPECTED_CHECKS - names}"
        target = cls(schema=schema, operations=[result.ok() for result in schema.get_all_operations()])

        # Every response is validated once with every check; this hook hands back which check said what.
        @schema.hook
        def after_validate(context: Any, case: Any, response: Any, results: list[Any]) -> None:
            target.results = list(results)

        return target

    def coverage_cases(self, operation: Any) -> list[Any]:
        """schemathesis' coverage cases of `operation`, made once (they are deterministic and reusable)."""
        if operation.label not in self._coverage:
            generation = self.schema.config.generation_for(operation=operation, phase="coverage")
            self._coverage[operation.label] = list(
                self.schema.iter_coverage_cases(operation, generation_modes=list(GenerationMode), generation_config=generation)
            )
        return self._coverage[operation.label]

    def template(self, operation: Any) -> Any | None:
        """The first positive coverage case of `operation` (fields filled in), to derive edge cases from."""
        for case in self.coverage_cases(operation):
            if case.meta is not None and case.meta.generation.mode.is_positive and case.method.upper() == operation.method.upper():
                return case
        return None


@dataclass
class Fuzzer:
    """Sends schemathesis' cases to one app, as one role at a time, and collects every check's findings."""

    target: Target
    app: CaptureErrors
    tokens: dict[str, str | None]
    referral_ids: list[int]
    caseworker_ids: list[int]
    service_ids: list[str]
    findings: dict[tuple, Finding] = field(default_factory=dict)
    cases_by_operation: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    seconds_by_operation: Counter = field(default_factory=Counter)  # CPU seconds of this process
    seed: int | None = None  # None: derandomize (the same examples every run); else Hypothesis' seed
    deadline: float | None = None  # time.monotonic() after which nothing more is sent

    def out_of_time(self) -> bool:
        """Whether the run's time is up (bench/fuzz.py bounds its run; the test does not need to)."""
        return self.deadline is not None and time.monotonic() > self.deadline

    def headers(self, role: str) -> dict[str, str]:
        token = self.tokens.get(role)
        return {"Authorization": f"Bearer {token}"} if token else {}

    def run(self, operation: Any, role: str, *, examples: int, coverage: int | None, edges: bool = True) -> None:
        """`coverage` coverage cases (all with None; else an even spread), the edge cases, then `examples`
        Hypothesis examples."""
        started = time.process_time()
        try:
            self._run(operation, role, examples=examples, coverage=coverage, edges=edges)
        finally:
            self.seconds_by_operation[operation.label] += time.process_time() - started

    def _run(self, operation: Any, role: str, *, examples: int, coverage: int | None, edges: bool) -> None:
        for case in _spread(self.target.coverage_cases(operation), coverage):
            self.send(case, role)
        template = self.target.template(operation) if edges else None
        if template is not None:
            for case in edge_cases(operation, template, self.target.schema.raw_schema, self.referral_ids):
                self.send(case, role)
        if examples <= 0:
            return
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )
        # Per field: keep the generated value, or use a real row (about half the time, independently).
        pick = st.sampled_from((None, None, None, 0, 1, 2))
        picks = st.tuples(pick, pick, pick)

        @hypothesis.settings(
            max_examples=examples, derandomize=self.seed is None, database=None, deadline=None,
            phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck),
            verbosity=hypothesis.Verbosity.quiet,
        )
        @hypothesis.given(case=strategy, picks=picks)
        def fuzz(case: Any, picks: tuple[int | None, int | None, int | None]) -> None:
            self.send(case, role, picks=picks)

        if self.seed is not None:
            fuzz = hypothesis.seed(self.seed)(fuzz)
        fuzz()

    def _use_real_rows(self, case: Any, picks: tuple[int | None, ...] | None) -> None:
        """In a positive case, swap generated ids for ones that exist, so {referral_id} hits real rows
        (and allocate's caseworker_id, and create's service_id).

        Only valid values are swapped for valid values, so the case stays positive (schemathesis
        re-validates a case edited before it is sent)."""
        if picks is None or case.meta is None or not case.meta.generation.mode.is_positive:
            return
        referral, caseworker, service = picks
        params = case.path_parameters
        if referral is not None and params and isinstance(params.get("referral_id"), int) and self.referral_ids:
            params["referral_id"] = self.referral_ids[referral % len(self.referral_ids)]
        body = case.body
        if isinstance(body, dict):
            if caseworker is not None and isinstance(body.get("caseworker_id"), int) and self.caseworker_ids:
                body["caseworker_id"] = self.caseworker_ids[caseworker % len(self.caseworker_ids)]
            if service is not None and isinstance(body.get("service_id"), str) and self.service_ids and "option_id" not in body:
                body["service_id"] = self.service_ids[service % len(self.service_ids)]

    def send(self, case: Any, role: str, *, picks: tuple[int | None, ...] | None = None) -> None:
        if self.out_of_time():
            return
        self._use_real_rows(case, picks)
        headers = self.headers(role)
        kwargs = {"app": self.app, "headers": headers}
        self.app.last_error = None
        response = case.call(**kwargs)
        error = self.app.last_error
        self.cases_by_operation[case.operation.label] += 1
        self.statuses[response.status_code] += 1
        self.target.results = []
        try:
            case.validate_response(
                response, checks=[*ALL_CHECKS, response_body_documented, token_enforced(role)], headers=headers, transport_kwargs=kwargs
            )
        except FailureGroup:
            pass  # every failure is in the hook's results, with the name of its check
        for result in self.target.results:
            if result.failure is not None:
                self._record(result.name, result.failure, case, response, role, error)

    def _record(self, check: str, failure: BaseException, case: Any, response: Any, role: str, error: str | None) -> None:
        if isinstance(failure, Failure):
            title, message = failure.title, failure.message
        else:
            title, message = (str(failure).splitlines() or [type(failure).__name__])[0], ""
        # A 500's exception (type and place) is part of the key: one operation can fail for several reasons.
        where = error.split(": ", 1)[0] if error else None
        key = (check, case.operation.label, response.status_code, type(failure).__name__, title, where)
        request = _describe_request(response)
        found = self.findings.get(key)
        if found is None or len(request) < len(found.request):  # keep the smallest request seen
            body = _short(response.text if response.content is not None else "", 500)
            replacement = Finding(check, case.operation.label, response.status_code, title, _short(message, 700),
                                  request, body, error)
            if found is not None:
                replacement.roles, replacement.count = found.roles, found.count
            self.findings[key] = found = replacement
        found.roles.add(role)
        found.count += 1

    def report(self) -> str:
        findings = sorted(self.findings.values(), key=lambda f: (f.check, f.operation, f.status, f.title))
        return "\n".join(f.render() for f in findings)


# Storage edges the schema does not state, sent to every integer and text field that leaves them
# open: integers just past the signed 32-bit and 64-bit ranges (PostgreSQL's integer/bigint columns,
# SQLite's 64-bit integers), and text holding a NUL character (PostgreSQL text cannot hold one).
# Hypothesis reaches such values only now and then; these make every run send them. Likewise a JSON
# body that is not UTF-8 at all.
EDGE_INTEGERS = (2**31, 2**63)
EDGE_TEXT = "a\x00b"
NOT_UTF8 = b"\x80{}"


def _edges_of(node: Any, root: dict) -> list[Any]:
    """The edge values a JSON schema node leaves open."""
    node = _deref(node, root)
    if not isinstance(node, dict):
        return []
    alternatives = node.get("anyOf") or node.get("oneOf")
    if alternatives:
        return [v for alt in alternatives for v in _edges_of(alt, root)]
    if node.get("type") == "integer" and "maximum" not in node and "exclusiveMaximum" not in node:
        return list(EDGE_INTEGERS)
    if node.get("type") == "string" and not ({"pattern", "enum", "format", "const"} & node.keys()) \
            and node.get("minLength", 0) <= len(EDGE_TEXT):
        return [EDGE_TEXT]
    return []


def _deref(node: Any, root: dict) -> Any:
    for _ in range(20):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return node
        target: Any = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _object_schema(node: Any, root: dict) -> dict | None:
    """The object schema behind `node` (through $ref and a nullable anyOf), if there is one."""
    node = _deref(node, root)
    if isinstance(node, dict):
        for alt in node.get("anyOf") or node.get("oneOf") or ():
            found = _object_schema(alt, root)
            if found is not None:
                return found
        if "properties" in node:
            return node
    return None


def _body_edges(body: Any, node: Any, root: dict, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path to a field, edge value) for every field of `body` whose schema leaves an edge open."""
    schema = _object_schema(node, root)
    if schema is None or not isinstance(body, dict):
        return
    for name, sub in schema.get("properties", {}).items():
        for value in _edges_of(sub, root):
            yield (*path, name), value
        if isinstance(body.get(name), dict):
            yield from _body_edges(body[name], sub, root, (*path, name))


def _replaced(body: Any, path: tuple, value: Any) -> Any:
    copy = json.loads(json.dumps(body))
    holder = copy
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = value
    return copy


def edge_cases(operation: Any, template: Any, root: dict, referral_ids: list[int]) -> Iterator[Any]:
    """Copies of `template` (a positive case) with one parameter or body field set to an edge value.

    Built with `operation.Case`, so they carry no generation mode: the checks that judge positive or
    negative data skip them, every other check judges them. Body edges go to each real referral, so
    a field behind a lookup of the referral (allocate's caseworker_id) is reached."""
    raw = operation.definition.raw
    params = {"path": dict(template.path_parameters or {}), "query": dict(template.query or {})}
    for parameter in raw.get("parameters", []):
        where = parameter.get("in")
        if where not in params:
            continue
        for value in _edges_of(parameter.get("schema"), root):
            values = {**params, where: {**params[where], parameter["name"]: value}}
            yield operation.Case(method=template.method, path_parameters=values["path"], query=values["query"],
                                 body=template.body, media_type=template.media_type)
    content = (raw.get("requestBody") or {}).get("content", {}).get("application/json")
    if content is None:
        return
    # A body that is not UTF-8 (FastAPI cannot even start to parse it as JSON).
    yield operation.Case(method=template.method, path_parameters=params["path"], query=params["query"],
                         body=NOT_UTF8, media_type="application/json")
    if not isinstance(template.body, dict):
        return
    targets = referral_ids[-3:] if "referral_id" in params["path"] else [None]
    for field_path, value in _body_edges(template.body, content.get("schema"), root):
        for referral_id in targets:
            path_parameters = {**params["path"], **({"referral_id": referral_id} if referral_id else {})}
            yield operation.Case(method=template.method, path_parameters=path_parameters, query=params["query"],
                                 body=_replaced(template.body, field_path, value), media_type=template.media_type)


def _spread(cases: list[Any], limit: int | None) -> Iterator[Any]:
    """All of `cases`, or `limit` of them taking every kind of coverage case in turn (a missing field,
    a wrong type, an undeclared method, a malformed body...), so a cap never leaves a kind out."""
    if limit is None or len(cases) <= limit:
        yield from cases
        return
    kinds: dict[Any, list[Any]] = {}
    for case in cases:
        data = case.meta.phase.data if case.meta is not None else None
        kinds.setdefault((getattr(data, "scenario", None), getattr(data, "parameter", None)), []).append(case)
    queues = list(kinds.values())
    sent = 0
    while sent < limit:
        for queue in queues:
            if queue and sent < limit:
                yield queue.pop(0)
                sent += 1


# ---------------------------------------------------------------------------------------------
# The test.
# ---------------------------------------------------------------------------------------------

# The budget keeps the file under about a minute per backend on the 2-core machine: per operation,
# (coverage cases, Hypothesis examples). The referral operations are where tokens matter: each role
# gets the full share there. The catalogue operations answer everyone alike, so the no-token run
# gives them the full share and each token run a few requests (to show a token changes nothing).
# POST /api/v1/tokens checks a password with argon2 (about 0.2 s here, on purpose) for every
# well-formed attempt, known email or not: it gets its share in the no-token run, where signing in
# is what a client does, and a couple of requests in the others. Its lock-out (5 wrong passwords
# for an account from one address, 100 attempts from one address) is counted in the database, so
# it stays inside this test's rolled-back transaction and never reaches another test.
BUDGET = {
    # role kind:   (catalogue,  referrals, tokens)
    "anonymous": ((30, 12), (10, 5), (12, 6)),
    "token": ((3, 2), (16, 6), (2, 2)),
}
TOKEN_OPERATION = "POST /api/v1/tokens"


def budget(role: str, operation: Any) -> tuple[int, int, bool]:
    """(coverage cases, Hypothesis examples, whether to send the edge cases) for `operation` as `role`."""
    anonymous = role == "anonymous"
    catalogue, referrals, tokens = BUDGET["anonymous" if anonymous else "token"]
    if operation.label == TOKEN_OPERATION:
        return (*tokens, anonymous)
    if operation.path.startswith("/api/v1/referrals"):
        return (*referrals, True)
    return (*catalogue, anonymous)


@pytest.fixture(scope="session")
def target() -> Target:
    """The OpenAPI every run uses, fetched once from an app built like the tests' (the document does
    not depend on the database; every request then goes to the test's own app)."""
    from sqlalchemy.orm import sessionmaker

    from ratecard.config import Settings
    from ratecard.web_app import create_app

    return Target.load(create_app(settings=Settings(), sessions=sessionmaker()))  # unbound: never queried


def build_world(sessions: Any) -> dict[str, Any]:
    """Users of every role with API tokens, a few real referrals, and the app, on `sessions` (a loaded
    catalogue). The test's fixture and bench/fuzz.py both use it."""
    from ratecard.accounts.service import Role, issue_token
    from ratecard.config import Settings
    from ratecard.web_app import create_app
    from tests.clients import client_for
    from tests.referrals import factories as f

    session = sessions()
    users = {
        "practitioner": f.user(session),  # North West
        "practitioner_east": f.user(session, region="East of England"),
        "hub": f.user(session, Role.HUB),  # provider cln
        "caseworker": f.user(session, Role.CASEWORKER),  # provider cln
        "commissioner": f.user(session, Role.COMMISSIONER),  # reads spend only
        "admin": f.user(session, Role.ADMIN),
    }
    tokens: dict[str, str | None] = {name: issue_token(session=session, user=u) for name, u in users.items()}
    tokens["anonymous"] = None
    session.commit()
    session.close()

    # A few real referrals, made through the API: a draft, one with the hub, one allocated, and one
    # of the East of England, so the fuzzed {referral_id} paths meet every kind of visibility.
    client = client_for(sessions)
    auth = {name: {"Authorization": f"Bearer {t}"} for name, t in tokens.items() if t}

    def create(role: str, **overrides: Any) -> int:
        body = f.referral_in(**overrides).model_dump(mode="json")
        response = client.post("/api/v1/referrals", json=body, headers=auth[role])
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def step(referral_id: int, action: str, role: str, body: dict | None = None) -> None:
        response = client.post(f"/api/v1/referrals/{referral_id}/{action}", json=body or {}, headers=auth[role])
        assert response.status_code == 200, response.text

    draft = create("practitioner")
    with_hub = create("practitioner")
    step(with_hub, "submit", "practitioner")
    step(with_hub, "transfer", "practitioner")
    allocated = create("practitioner")
    for action, role, body in (("submit", "practitioner", None), ("transfer", "practitioner", None),
                               ("accept", "hub", None), ("allocate", "hub", {"caseworker_id": users["caseworker"].id})):
        step(allocated, action, role, body)
    east = create("practitioner_east", person={"area": "Norfolk"})

    return {
        "app": CaptureErrors(create_app(settings=Settings(), sessions=sessions)),
        # Body edge cases go to the last three (between them visible to every role).
        "tokens": tokens, "referral_ids": [draft, with_hub, allocated, east],
        "caseworker_ids": [users["caseworker"].id, users["hub"].id], "service_ids": ["cln-conflict-resolution"],
    }


@pytest.fixture
def world(catalogue_sessions):
    """build_world on the test's rolled-back catalogue."""
    return build_world(catalogue_sessions)


@pytest.mark.parametrize("role", ROLES)
def test_the_api_keeps_its_openapi_promises(target, world, role):
    fuzzer = Fuzzer(target=target, app=world["app"], tokens=world["tokens"], referral_ids=world["referral_ids"],
                    caseworker_ids=world["caseworker_ids"], service_ids=world["service_ids"])
    assert len(target.operations) >= 22, [o.label for o in target.operations]
    started = time.perf_counter()
    for operation in target.operations:
        coverage, examples, edges = budget(role, operation)
        fuzzer.run(operation, role, examples=examples, coverage=coverage, edges=edges)
    elapsed = time.perf_counter() - started
    untested = [o.label for o in target.operations if not fuzzer.cases_by_operation[o.label]]
    assert not untested, f"operations never called: {untested}"
    summary = (
        f"{role}: {sum(fuzzer.cases_by_operation.values())} cases, {world['app'].requests} requests with the checks' "
        f"own probes, {len(target.operations)} operations, {elapsed:.1f} s; statuses "
        f"{dict(sorted(fuzzer.statuses.items()))}; {len(fuzzer.findings)} distinct findings"
    )
    print(summary)
    if fuzzer.findings:
        pytest.fail(summary + "\n\n" + fuzzer.report(), pytrace=False)
