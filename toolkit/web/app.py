"""The web app of `unionkit serve` (Starlette): the campaign's pages, its files, and the
"Make it yours" form that makes a branch's own copy of a motion in a bounded pool of render
processes; the "tell us you passed it" form when the campaign turns it on."""

from __future__ import annotations

import base64
import json
import os
import time
import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from toolkit import api
from toolkit.site.catalogue import Catalogue, Entry
from toolkit.site.pages import PageWords, campaign_for, page_context, page_url, qr_svg
from toolkit.site.theme import SiteTemplate, environment, read_site_template
from toolkit.web import forms
from toolkit.web.pool import Busy, RenderPool
from toolkit.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    BodyLimit,
    Csrf,
    QuietErrors,
    RateLimiter,
    SecurityHeaders,
)

CONFIG_VARIABLE = "UNIONKIT_SERVE"
# Pages with counts on them are made again at most this often.
PAGE_SECONDS = 2.0


@dataclass
class ServeConfig:
    """What `unionkit serve` passes to each of its server processes."""

    folder: str
    site_dir: str
    catalogue: str
    secret: str
    database: str | None = None
    address: str = ""
    render_workers: int = 2
    render_seconds: float = 30.0
    render_wait: float = 30.0
    max_body: int = 256 * 1024
    renders_per_minute: float = 40.0
    render_burst: int = 20
    reports_per_hour: float = 12.0
    report_burst: int = 4
    # Signatures: an address (a whole office may share one) and a letter, per server process.
    signs_per_hour: float = 60.0
    sign_burst: int = 20
    letter_signs_per_minute: float = 600.0
    letter_sign_burst: int = 1200
    logins_per_hour: float = 20.0
    login_burst: int = 10
    purge_after: int | None = None

    def to_environment(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_environment(cls) -> ServeConfig:
        raw = os.environ.get(CONFIG_VARIABLE)
        if not raw:
            raise RuntimeError(f"{CONFIG_VARIABLE} is not set: start the app with `unionkit serve`")
        return cls(**json.loads(raw))


@dataclass
class FormDocument:
    """A document with a "Make it yours" form: its entry on the site, kind, form parts and
    the campaign's own data, which a visitor's values are laid over."""

    entry: Entry
    parts: list[forms.Part]
    base: dict[str, Any]
    folder: str
    name: str
    labels: dict[str, str]


@dataclass
class AppState:
    config: ServeConfig
    catalogue: Catalogue
    template: SiteTemplate
    documents: dict[str, FormDocument]
    csrf: Csrf
    pool: RenderPool | None = None
    database: Any = None
    renders: RateLimiter = field(default_factory=lambda: RateLimiter(40, 20))
    reports: RateLimiter = field(default_factory=lambda: RateLimiter(0.2, 4))
    limiter: Any = None
    pages: dict[str, tuple[float, bytes]] = field(default_factory=dict)
    signing: dict[str, Any] = field(default_factory=dict)
    """The open letters that collect signatures, by their id on the site."""
    signatures: Any = None
    organisers: Any = None
    signs: RateLimiter = field(default_factory=lambda: RateLimiter(1, 20))
    letter_signs: RateLimiter = field(default_factory=lambda: RateLimiter(600, 1200))
    logins: RateLimiter = field(default_factory=lambda: RateLimiter(0.3, 10))
    listings: Any = None


def _form_documents(catalogue: Catalogue) -> dict[str, FormDocument]:
    from toolkit.messages import labels_for

    found = {}
    for entry in catalogue.entries:
        if not entry.form:
            continue
        source = Path(entry.source)
        try:
            document = api.load(source)
        except api.UnionkitError:
            continue
        base = document.source.data
        assert isinstance(base, dict)
        parts = forms.parts_of(document.kind, editable=catalogue.editable)
        found[entry.id] = FormDocument(
            entry, parts, base, str(source.parent), source.name, labels_for(entry.language)
        )
    return found


def create_app(config: ServeConfig, *, start_pool: bool = True) -> Starlette:
    """The app for one server process."""
    from toolkit.web import organise, signing

    catalogue = Catalogue.read(Path(config.catalogue))
    template = read_site_template(Path(catalogue.site_template))
    state = AppState(
        config,
        catalogue,
        template,
        _form_documents(catalogue),
        Csrf(config.secret.encode()),
        renders=RateLimiter(config.renders_per_minute, config.render_burst),
        reports=RateLimiter(config.reports_per_hour / 60.0, config.report_burst),
        signing=signing.signing_letters(catalogue),
        signs=RateLimiter(config.signs_per_hour / 60.0, config.sign_burst),
        letter_signs=RateLimiter(config.letter_signs_per_minute, config.letter_sign_burst),
        logins=RateLimiter(config.logins_per_hour / 60.0, config.login_burst),
        listings=signing.Listings(),
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.limiter = anyio.CapacityLimiter(max(4, config.render_workers * 4))
        if config.database and (catalogue.report_passed or state.signing):
            from toolkit.database import Database
            from toolkit.database.organisers import Organisers
            from toolkit.database.signatures import Signatures

            state.database = Database(config.database)
            if state.signing:
                state.signatures = Signatures(state.database)
                state.organisers = Organisers(state.database)
        if start_pool and state.documents:
            pool = RenderPool(config.render_workers, config.render_seconds, config.render_wait)
            await anyio.to_thread.run_sync(pool.start)
            state.pool = pool
        try:
            async with anyio.create_task_group() as tasks:
                if state.signatures is not None and config.purge_after is not None:
                    tasks.start_soon(_purge_every_hour, state, config.purge_after)
                yield
                tasks.cancel_scope.cancel()
        finally:
            if state.pool is not None:
                await anyio.to_thread.run_sync(state.pool.close)
            if state.database is not None:
                state.database.close()

    site = Path(config.site_dir)
    routes = [
        Route("/", partial(index, state=state), methods=["GET", "HEAD"]),
        Route("/index.html", partial(index, state=state), methods=["GET", "HEAD"]),
        Route("/healthz", lambda request: Response("ok\n", media_type="text/plain")),
        Route("/qr-{language:str}.svg", partial(qr, state=state)),
        Route("/make/{document:path}", partial(make_page, state=state), methods=["GET", "POST"]),
        Route("/preview/{document:path}", partial(preview, state=state), methods=["POST"]),
        Route("/passed/{document:path}", partial(passed, state=state), methods=["POST"]),
        *signing.routes(state),
        *organise.routes(state),
        Mount("/files", app=StaticFiles(directory=site / "files", check_dir=False)),
        Mount("/thumbs", app=StaticFiles(directory=site / "thumbs", check_dir=False)),
        Mount("/assets", app=StaticFiles(directory=site / "assets", check_dir=False)),
        Route("/{language:str}/", partial(index, state=state), methods=["GET", "HEAD"]),
        Route(
            "/{language:str}/index.html",
            partial(index, state=state),
            methods=["GET", "HEAD"],
        ),
    ]

    async def refuse_large(scope: Any, receive: Any, send: Any) -> None:
        response = error_response(Request(scope), state, 413)
        await response(scope, receive, send)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        return error_response(request, state, status)

    async def on_failure(request: Request, exc: Exception) -> Response:
        return error_response(request, state, 500)

    async def refuse_failed(scope: Any, receive: Any, send: Any) -> None:
        response = error_response(Request(scope), state, 500)
        await response(scope, receive, send)

    return Starlette(
        debug=False,
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(QuietErrors, respond=refuse_failed),
            Middleware(BodyLimit, limit=config.max_body, refuse=refuse_large),
        ],
        exception_handlers={HTTPException: on_http_error, Exception: on_failure},
        lifespan=lifespan,
    )


async def _purge_every_hour(state: AppState, days: int) -> None:
    """`--purge-after DAYS` while the server runs (it also purges once at start)."""
    while True:
        await anyio.sleep(3600)
        await anyio.to_thread.run_sync(lambda: state.signatures.purge(days))


def app_from_environment() -> Starlette:
    """The app of a server process `unionkit serve` started (uvicorn's factory)."""
    return create_app(ServeConfig.from_environment())


# -- pages ---------------------------------------------------------------------------------------
def _page_language(request: Request, state: AppState) -> tuple[str, str]:
    """The language of the page asked for, and the way back to the site's root."""
    language = request.path_params.get("language")
    if language is None:
        return state.catalogue.default_language, ""
    if language == state.catalogue.default_language or language not in state.catalogue.languages:
        raise HTTPException(404)
    return language, "../"


def _address(request: Request, state: AppState) -> str:
    """The site's public address: as configured, else as this request reached it."""
    configured = (
        state.config.address
        or campaign_for(state.catalogue.default_language, state.catalogue).address
    )
    if state.config.address:
        return configured.rstrip("/") + "/"
    return str(request.base_url)


def _passed_counts(state: AppState) -> dict[str, int] | None:
    if state.database is None or not state.catalogue.report_passed:
        return None
    counts: dict[str, int] = state.database.passed_counts()
    return counts


async def index(request: Request, state: AppState) -> Response:
    language, root = _page_language(request, state)
    now = time.monotonic()
    key = f"{language}|{request.base_url}"
    cached = state.pages.get(key)
    if cached is None or cached[0] < now:
        from toolkit.web.signing import counts_for_index

        counts = await anyio.to_thread.run_sync(_passed_counts, state) if state.database else None
        signed = await counts_for_index(state) if state.signing else None
        address = _address(request, state) + page_url(language, state.catalogue)
        values = page_context(
            state.catalogue,
            state.template,
            language,
            root=root,
            qr=f"{root}qr-{language}.svg",
            address=address,
            serving=True,
            passed=counts,
            signing=signed,
        )
        html = _render(state, state.template.manifest.site.index, values)
        cached = (now + PAGE_SECONDS, html)
        state.pages[key] = cached
    return HTMLResponse(cached[1], headers={"cache-control": "no-cache"})


def _render(state: AppState, page: str, values: dict[str, Any]) -> bytes:
    from toolkit.sandbox import time_limit

    env = environment(state.template, {})
    with time_limit():
        return str(env.get_template(page).render(values)).encode("utf-8")


async def qr(request: Request, state: AppState) -> Response:
    language = request.path_params["language"]
    if language not in state.catalogue.languages:
        raise HTTPException(404)
    address = _address(request, state) + page_url(language, state.catalogue)
    words = PageWords(state.template.words[language], language)
    svg = qr_svg(address, words["qr_alt"].format(address=address))
    return Response(svg, media_type="image/svg+xml", headers={"cache-control": "max-age=300"})


def error_response(request: Request, state: AppState, status: int) -> Response:
    """A page saying what went wrong in plain words: never a traceback or a server path."""
    language = state.catalogue.default_language
    words = PageWords(state.template.words[language], language)
    key = f"error_{status}" if f"error_{status}" in state.template.words[language] else "error_500"
    message = words[key]
    if request.url.path.startswith("/preview/"):
        return JSONResponse({"problems": [], "summary": message}, status_code=status)
    try:
        values = page_context(
            state.catalogue, state.template, language, root="/", qr="", address=""
        )
        values |= {"message": message, "stylesheets": ["/assets/site.css", "/assets/campaign.css"]}
        body = _render(state, state.template.manifest.site.error, values)
        return HTMLResponse(body, status_code=status, headers={"cache-control": "no-store"})
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        return Response(message, status_code=status, media_type="text/plain")


# -- the "Make it yours" form --------------------------------------------------------------------
def _document(request: Request, state: AppState) -> FormDocument:
    found = state.documents.get(request.path_params["document"])
    if found is None:
        raise HTTPException(404)
    return found


def _cookie(request: Request, state: AppState) -> tuple[str, bool]:
    """The visitor's CSRF cookie, and whether it is new (to be set)."""
    cookie = request.cookies.get(CSRF_COOKIE)
    if cookie and 20 <= len(cookie) <= 100:
        return cookie, False
    return state.csrf.new_cookie(), True


def _set_cookie(response: Response, request: Request, cookie: str) -> None:
    response.set_cookie(
        CSRF_COOKIE,
        cookie,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


async def _posted(request: Request, state: AppState) -> FormData:
    """The form a visitor sent, once its CSRF token is checked (403 otherwise)."""
    try:
        form = await request.form(max_files=0, max_fields=1000, max_part_size=64 * 1024)
    except Exception:  # noqa: BLE001 - anything unreadable is a bad request
        raise HTTPException(400) from None
    token = form.get(CSRF_FIELD)
    if not state.csrf.valid(
        request.cookies.get(CSRF_COOKIE),
        token if isinstance(token, str) else None,
        request.headers.get("sec-fetch-site"),
    ):
        raise HTTPException(403)
    return form


def _text_fields(form: FormData) -> dict[str, str]:
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def _make(
    request: Request, state: AppState, document: FormDocument, data: dict[str, Any], fmt: str
) -> Any:
    """Make the visitor's copy in the render pool (never in the event loop); raises 429 when
    the address has made too many, 503 when every worker stays busy."""
    from toolkit.web.tasks import fields_key, make

    address = request.client.host if request.client else "unknown"
    if not state.renders.allow(address):
        raise HTTPException(429)
    if state.pool is None:
        raise HTTPException(503)
    try:
        return await anyio.to_thread.run_sync(
            state.pool.run,
            make,
            (data, document.folder, document.name, fmt),
            (document.name, fields_key(data)),
            limiter=state.limiter,
        )
    except Busy:
        raise HTTPException(503) from None


def _problems(
    made: Any, kept: dict[str, list[int]], document: FormDocument
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The problems of a copy that could not be made: by form input, and as a list."""
    from toolkit.workers import Failed, Stopped

    if isinstance(made, Stopped):
        return {}, [{"field": "", "message": made.describe(), "label": "", "target": ""}]
    if isinstance(made, Failed):
        raise HTTPException(500)
    errors: dict[str, str] = {}
    listed = []
    names = {i.name: i.title for part in document.parts for i in part.inputs}
    for field_path, message in made.problems:
        target = forms.form_field(field_path, kept) if field_path else ""
        errors.setdefault(target, message)
        last = target.split(".")[-1] if target else ""
        label = document.labels.get(last) or names.get(last) or target
        listed.append(
            {
                "field": target,
                "message": message,
                "label": label,
                "target": forms.field_id(target) if target else "",
            }
        )
    return errors, listed


def _filename(document: FormDocument, state: forms.State, fmt: str) -> str:
    from toolkit.output import safe_stem

    branch = ""
    for part in document.parts:
        value = state.values.get(part.path)
        if part.shape == "group" and isinstance(value, dict):
            branch = value.get("name", "") or branch
    stem = Path(document.entry.id).name + (f"-{branch}" if branch.strip() else "")
    return f"{safe_stem(stem)}.{fmt}"


def _attachment(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = "".join(c if c.isalnum() or c in ".-_" else "-" for c in ascii_name)
    stem, _, suffix = ascii_name.rpartition(".")
    ascii_name = f"{'-'.join(part for part in stem.split('-') if part) or 'copy'}.{suffix}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


MEDIA = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


async def make_page(request: Request, state: AppState) -> Response:
    document = _document(request, state)
    cookie, new_cookie = _cookie(request, state)
    errors: dict[str, str] = {}
    listed: list[dict[str, str]] = []
    preview, size, status = "", (0, 0), 200
    if request.method == "GET":
        form_state = forms.initial_state(document.parts, document.base)
    else:
        form = await _posted(request, state)
        form_state = forms.posted_state(document.parts, _text_fields(form))
        action = str(form.get("action") or "preview")
        if not forms.apply_action(document.parts, form_state, action):
            fmt = action if action in MEDIA else "preview"
            data, kept = forms.document_data(document.parts, form_state, document.base)
            made = await _make(request, state, document, data, fmt)
            if getattr(made, "data", b"") and fmt in MEDIA:
                return Response(
                    made.data,
                    media_type=MEDIA[fmt],
                    headers={
                        "content-disposition": _attachment(_filename(document, form_state, fmt)),
                        "cache-control": "no-store",
                    },
                )
            if getattr(made, "data", b""):
                preview = "data:image/png;base64," + base64.b64encode(made.data).decode("ascii")
                size = made.size
            else:
                errors, listed = _problems(made, kept, document)
                status = 422
    response = HTMLResponse(
        _form_page(request, state, document, form_state, cookie, errors, listed, preview, size),
        status_code=status,
        headers={"cache-control": "no-store"},
    )
    if new_cookie:
        _set_cookie(response, request, cookie)
    return response


def _form_page(
    request: Request,
    state: AppState,
    document: FormDocument,
    form_state: forms.State,
    cookie: str,
    errors: dict[str, str],
    listed: list[dict[str, str]],
    preview: str,
    size: tuple[int, int],
    passed_errors: dict[str, str] | None = None,
    passed_values: dict[str, str] | None = None,
) -> bytes:
    entry = document.entry
    language = entry.language
    template = state.template
    words = PageWords(template.words[language], language)
    depth = entry.id.count("/") + 1
    root = "../" * depth
    values = page_context(
        state.catalogue,
        template,
        language,
        root=root,
        qr=f"{root}qr-{language}.svg",
        address=_address(request, state) + page_url(language, state.catalogue),
        serving=True,
    )
    shown = forms.view(document.parts, form_state, document.labels, words.plain(), errors)
    anchor = next((d["anchor"] for d in values["documents"] if d["id"] == entry.id), "")
    # The links to other languages lead to their pages of all documents.
    values |= {
        "heading": words["form_title"].format(title=entry.title),
        "anchor": anchor,
        "action": f"{root}make/{entry.id}",
        "preview_url": f"{root}preview/{entry.id}",
        "csrf": state.csrf.token(cookie),
        "parts": shown,
        "problems": listed,
        "preview": preview,
        "preview_size": size if preview else (640, 905),
        "script": f"{root}assets/{Path(template.manifest.site.script).name}",
        "passed": _passed_view(request, state, document, words, root, passed_errors, passed_values),
    }
    return _render(state, template.manifest.site.form, values)


def _passed_view(
    request: Request,
    state: AppState,
    document: FormDocument,
    words: PageWords,
    root: str,
    errors: dict[str, str] | None,
    values: dict[str, str] | None,
) -> dict[str, Any] | None:
    if state.database is None or not state.catalogue.report_passed:
        return None
    errors, values = errors or {}, values or {}

    def one(name: str, kind: str, label: str) -> dict[str, Any]:
        return {
            "name": name,
            "id": f"passed-{name}",
            "label": label,
            "type": kind,
            "value": values.get(name, ""),
            "rows": 1,
            "error": errors.get(name, ""),
            "hint": "",
            "autocomplete": "",
        }

    return {
        "action": f"{root}passed/{document.entry.id}",
        "thanks": request.query_params.get("passed") == "1",
        "fields": [
            one("branch", "text", words["passed_branch"]),
            one("union", "text", words["passed_union"]),
            one("passed_on", "date", words["passed_date"]),
            one("votes_for", "number", words["votes_for"]),
            one("votes_against", "number", words["votes_against"]),
        ],
    }


async def preview(request: Request, state: AppState) -> Response:
    """The first page of the visitor's copy as a PNG (for the page's script), or its
    problems as JSON."""
    document = _document(request, state)
    form = await _posted(request, state)
    form_state = forms.posted_state(document.parts, _text_fields(form))
    data, kept = forms.document_data(document.parts, form_state, document.base)
    made = await _make(request, state, document, data, "preview")
    if getattr(made, "data", b""):
        return Response(made.data, media_type="image/png", headers={"cache-control": "no-store"})
    _, listed = _problems(made, kept, document)
    words = PageWords(state.template.words[document.entry.language], document.entry.language)
    return JSONResponse(
        {
            "problems": [{"field": p["field"], "message": p["message"]} for p in listed],
            "summary": words["form_problems"],
        },
        status_code=422,
    )


async def passed(request: Request, state: AppState) -> Response:
    """A branch tells the campaign it passed the motion: kept in the database (the date, the
    votes, the branch and union as typed), counted on the pages."""
    from pydantic import TypeAdapter, ValidationError

    from toolkit.loader import clean_text
    from toolkit.model import IsoDate, Line

    document = _document(request, state)
    if state.database is None or not state.catalogue.report_passed:
        raise HTTPException(404)
    form = await _posted(request, state)
    values = {k: clean_text(v).strip() for k, v in _text_fields(form).items() if k != CSRF_FIELD}
    errors: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for name, adapter, required in (
        ("branch", TypeAdapter(Line), True),
        ("union", TypeAdapter(Line), False),
        ("passed_on", TypeAdapter(IsoDate), True),
    ):
        text = values.get(name, "")
        if not text:
            if required:
                errors[name] = "required: fill this in"
            continue
        try:
            parsed[name] = adapter.validate_python(text)
        except ValidationError as exc:
            errors[name] = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
    for name in ("votes_for", "votes_against"):
        text = values.get(name, "")
        if not text:
            continue
        if not text.isdigit() or int(text) > 10_000_000:
            errors[name] = "write a whole number of votes, e.g. 24"
        else:
            parsed[name] = int(text)
    if errors:
        cookie, _ = _cookie(request, state)
        form_state = forms.initial_state(document.parts, document.base)
        body = _form_page(
            request, state, document, form_state, cookie, {}, [], "", (0, 0), errors, values
        )
        return HTMLResponse(body, status_code=422, headers={"cache-control": "no-store"})
    address = request.client.host if request.client else "unknown"
    if not state.reports.allow(address):
        raise HTTPException(429)
    await anyio.to_thread.run_sync(
        lambda: state.database.report_passed(
            document.entry.id,
            parsed["branch"],
            parsed.get("union", ""),
            parsed["passed_on"],
            parsed.get("votes_for"),
            parsed.get("votes_against"),
        )
    )
    state.pages.clear()
    depth = document.entry.id.count("/") + 1
    return RedirectResponse(
        f"{'../' * depth}make/{document.entry.id}?passed=1#passed-heading", status_code=303
    )
