"""The organisers' pages, behind a login: the signatures of each collecting letter to approve,
hide, correct or delete; a person found by the email they gave, their data exported as JSON
or erased; and the audit of who changed what. Plain forms, no script."""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

import anyio
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from toolkit.database.signatures import Stored
    from toolkit.web.app import AppState

SESSION_COOKIE = "unionkit_session"
PAGE_SIZE = 100
FILTERS = ("new", "approved", "hidden", "all")


def routes(state: AppState) -> list[Route]:
    def bound(handler: Any) -> Any:
        async def run(request: Request) -> Response:
            try:
                response: Response = await handler(request, state)
            except _LoginFirst:
                return await _login_page(request, state, 401)
            return response

        return run

    return [
        Route("/organise", lambda request: RedirectResponse("organise/", status_code=303)),
        Route("/organise/", bound(home), methods=["GET", "HEAD"]),
        Route("/organise/login", bound(login), methods=["POST"]),
        Route("/organise/logout", bound(logout), methods=["POST"]),
        Route("/organise/letter/{letter}", bound(letter_page), methods=["GET", "POST"]),
        Route(
            "/organise/signature/{signature:int}", bound(signature_page), methods=["GET", "POST"]
        ),
        Route("/organise/find", bound(find), methods=["POST"]),
        Route("/organise/export", bound(export), methods=["POST"]),
        Route("/organise/erase", bound(erase), methods=["POST"]),
        Route("/organise/audit", bound(audit_page), methods=["GET"]),
    ]


# -- sessions -----------------------------------------------------------------------------------
def _stores(state: AppState) -> Any:
    if state.organisers is None or state.signatures is None:
        raise HTTPException(404)
    return state.organisers


async def _organiser(request: Request, state: AppState) -> str | None:
    organisers = _stores(state)
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found: str | None = await anyio.to_thread.run_sync(organisers.session, token)
    return found


async def _required(request: Request, state: AppState) -> str:
    organiser = await _organiser(request, state)
    if organiser is None:
        raise _LoginFirst
    return organiser


class _LoginFirst(Exception):
    """A page for organisers only, asked for without a session."""


def _root(request: Request) -> str:
    """The way back to the site's root from an organiser's page (relative, so the app also
    works under a path of another site)."""
    return "../" * max(request.url.path.count("/") - 1, 0)


def _words(state: AppState) -> dict[str, str]:
    from toolkit.site.pages import PageWords

    language = state.catalogue.default_language
    return PageWords(state.template.words[language], language).plain()


def _page(
    request: Request,
    state: AppState,
    view: str,
    organiser: str | None,
    cookie: str,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    from toolkit.site.pages import page_context
    from toolkit.web.app import _render, _set_cookie

    language = state.catalogue.default_language
    root = _root(request)
    context = page_context(
        state.catalogue, state.template, language, root=root, qr="", address="", serving=True
    )
    base = f"{root}organise/"
    context |= {
        "view": view,
        "organiser": organiser or "",
        "csrf": state.csrf.token(cookie),
        "base": base,
        "message": "",
        "error": "",
        "logged_in": _words(state)["organise_logged_in"].format(name=organiser or ""),
    }
    context |= values
    body = _render(state, state.template.manifest.site.organise, context)
    response = HTMLResponse(
        body,
        status_code=status,
        headers={"cache-control": "no-store", "x-robots-tag": "noindex, nofollow"},
    )
    _set_cookie(response, request, cookie)
    return response


def _cookie(request: Request, state: AppState) -> str:
    from toolkit.web.app import _cookie as csrf_cookie

    return csrf_cookie(request, state)[0]


async def _form(request: Request, state: AppState) -> dict[str, Any]:
    """A posted form (CSRF checked), its text fields and its ticked ids."""
    from toolkit.web.app import _posted

    form = await _posted(request, state)
    fields: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    ids = []
    for value in form.getlist("id"):
        if isinstance(value, str) and value.isdigit() and len(value) < 12:
            ids.append(int(value))
    fields["ids"] = ids[:1000]
    return fields


def _redirect(to: str) -> Response:
    return RedirectResponse(to, status_code=303, headers={"cache-control": "no-store"})


# -- logging in ---------------------------------------------------------------------------------
async def _login_page(
    request: Request, state: AppState, status: int = 200, **more: Any
) -> Response:
    organisers = _stores(state)
    names = await anyio.to_thread.run_sync(organisers.names)
    return _page(
        request,
        state,
        "login",
        None,
        _cookie(request, state),
        status,
        no_organisers=not names,
        **more,
    )


async def home(request: Request, state: AppState) -> Response:
    organiser = await _organiser(request, state)
    if organiser is None:
        return await _login_page(request, state)
    return _page(
        request,
        state,
        "letters",
        organiser,
        _cookie(request, state),
        letters=await _letters(state),
    )


async def _letters(state: AppState) -> list[dict[str, Any]]:
    counts = await anyio.to_thread.run_sync(state.signatures.counts)
    words = _words(state)
    shown: dict[str, dict[str, Any]] = {}
    default = state.catalogue.default_language
    for letter in sorted(state.signing.values(), key=lambda one: one.language != default):
        if letter.key in shown:
            continue
        found = counts.get(letter.key, {})
        shown[letter.key] = {
            "key": letter.key,
            "title": letter.subject,
            "language": letter.language,
            "moderation": words["organise_moderation_required"]
            if letter.moderated
            else words["organise_moderation_none"],
            "counts": [
                {
                    "status": status,
                    "label": words[f"organise_{status}"],
                    "count": found.get(status, 0),
                }
                for status in ("new", "approved", "hidden")
            ],
        }
    return list(shown.values())


async def login(request: Request, state: AppState) -> Response:
    organisers = _stores(state)
    form = await _form(request, state)
    words = _words(state)
    address = request.client.host if request.client else "unknown"
    if not state.logins.allow(address):
        raise HTTPException(429)
    name = str(form.get("name", ""))[:100]
    password = str(form.get("password", ""))[:1024]
    result = await anyio.to_thread.run_sync(organisers.login, name, password)
    if not result.ok:
        error = words["organise_login_failed"]
        if result.locked_until is not None:
            error = words["organise_locked"].format(
                time=result.locked_until.astimezone(datetime.UTC).strftime("%H:%M")
            )
        return await _login_page(request, state, 401, error=error)
    response = _redirect(f"{_root(request)}organise/")
    response.set_cookie(
        SESSION_COOKIE,
        result.token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
        max_age=12 * 3600,
    )
    return response


async def logout(request: Request, state: AppState) -> Response:
    organisers = _stores(state)
    await _form(request, state)
    token = request.cookies.get(SESSION_COOKIE)
    await anyio.to_thread.run_sync(organisers.logout, token)
    response = _redirect(f"{_root(request)}organise/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- a letter's signatures ------------------------------------------------------------------------
def _row(stored: Stored, words: dict[str, str], base: str) -> dict[str, Any]:
    return {
        "id": stored.id,
        "name": stored.name,
        "organisation": stored.organisation,
        "role": stored.role,
        "group": stored.group,
        "email": bool(stored.email),
        "publish": words[f"organise_choice_{stored.publish}"],
        "language": stored.language,
        "signed": stored.answered_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
        "status": stored.status,
        "status_label": words[f"organise_{stored.status}"],
        "edit": f"{base}signature/{stored.id}",
        "letter": stored.letter,
        "tick": words["organise_tick_one"].format(name=stored.name or f"#{stored.id}"),
    }


def _in_default_language(state: AppState, key: str) -> Any:
    """A collecting letter by its file name, in the language the organisers' pages are in
    when it has that translation (as the list of letters shows it)."""
    default = state.catalogue.default_language
    found = [one for one in state.signing.values() if one.key == key]
    if not found:
        raise HTTPException(404)
    return min(found, key=lambda one: one.language != default)


async def letter_page(request: Request, state: AppState) -> Response:
    organiser = await _required(request, state)
    key = request.path_params["letter"]
    letter = _in_default_language(state, key)
    words = _words(state)
    shown = request.query_params.get("status") or ("new" if letter.moderated else "all")
    shown = shown if shown in FILTERS else "all"
    try:
        page = max(1, min(10_000, int(request.query_params.get("page", "1"))))
    except ValueError:
        page = 1
    message = ""
    if request.method == "POST":
        form = await _form(request, state)
        action = str(form.get("action", ""))
        verb, _, one = action.partition(":")
        ids = [int(one)] if one.isdigit() and len(one) < 12 else form["ids"]
        statuses = {"approve": "approved", "hide": "hidden", "restore": "new"}
        if verb not in statuses or not ids:
            raise HTTPException(400)
        changed = await anyio.to_thread.run_sync(
            state.signatures.set_status, ids, statuses[verb], organiser
        )
        state.listings.forget(letter.key)
        state.pages.clear()
        return _redirect(f"{key}?status={shown}&page={page}&changed={changed}")
    if request.query_params.get("changed", "").isdigit():
        from toolkit.site.pages import PageWords

        language = state.catalogue.default_language
        message = PageWords(state.template.words[language], language).count(
            "organise_changed", int(request.query_params["changed"])
        )
    status = None if shown == "all" else shown
    rows = await anyio.to_thread.run_sync(
        lambda: state.signatures.of_letter(
            key, status, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1, newest_first=True
        )
    )
    base = f"{_root(request)}organise/"
    return _page(
        request,
        state,
        "letter",
        organiser,
        _cookie(request, state),
        letter={"key": key, "title": letter.subject, "moderated": letter.moderated},
        filters=[
            {"status": f, "label": words[f"organise_{f}"], "current": f == shown} for f in FILTERS
        ],
        shown=shown,
        rows=[_row(stored, words, base) for stored in rows[:PAGE_SIZE]],
        page=page,
        previous=f"{key}?status={shown}&page={page - 1}" if page > 1 else "",
        next=f"{key}?status={shown}&page={page + 1}" if len(rows) > PAGE_SIZE else "",
        action=f"{key}?status={shown}&page={page}",
        message=message,
    )


async def signature_page(request: Request, state: AppState) -> Response:
    from toolkit.errors import UnionkitError

    organiser = await _required(request, state)
    number = request.path_params["signature"]
    stored = await anyio.to_thread.run_sync(state.signatures.get, number)
    if stored is None:
        raise HTTPException(404)
    words = _words(state)
    error = message = ""
    values = {
        "name": stored.name,
        "role": stored.role,
        "organisation": stored.organisation,
        "group": stored.group,
    }
    if request.method == "POST":
        form = await _form(request, state)
        action = str(form.get("action", ""))
        back = f"../letter/{stored.letter}"
        if action == "delete":
            if form.get("confirm") != "yes":
                error = words["organise_confirm_needed"]
            else:
                await anyio.to_thread.run_sync(lambda: state.signatures.delete([number], organiser))
                _forget(state, stored.letter)
                return _redirect(f"{back}?changed=1")
        elif action == "save":
            values = {k: str(form.get(k, "")) for k in values}
            try:
                changed = await anyio.to_thread.run_sync(
                    state.signatures.edit, number, values, organiser
                )
            except UnionkitError as exc:
                error = exc.problems[0].message
            else:
                _forget(state, stored.letter)
                message = words["organise_saved"] if changed else ""
                refreshed = await anyio.to_thread.run_sync(state.signatures.get, number)
                stored = refreshed or stored
                values = {
                    "name": stored.name,
                    "role": stored.role,
                    "organisation": stored.organisation,
                    "group": stored.group,
                }
        else:
            raise HTTPException(400)
    base = f"{_root(request)}organise/"
    return _page(
        request,
        state,
        "signature",
        organiser,
        _cookie(request, state),
        signature=_row(stored, words, base),
        fields=[
            {
                "name": key,
                "id": f"edit-{key}",
                "label": words[f"organise_col_{key}"],
                "value": values[key],
            }
            for key in ("name", "organisation", "role", "group")
        ],
        back=f"{base}letter/{stored.letter}",
        message=message,
        error=error,
    )


def _forget(state: AppState, key: str) -> None:
    state.listings.forget(key)
    state.pages.clear()


# -- data protection ------------------------------------------------------------------------------
async def find(request: Request, state: AppState) -> Response:
    organiser = await _required(request, state)
    form = await _form(request, state)
    return await _found(request, state, organiser, str(form.get("email", ""))[:320])


async def _found(
    request: Request, state: AppState, organiser: str, email: str, **more: Any
) -> Response:
    from toolkit.site.pages import PageWords

    words = _words(state)
    language = state.catalogue.default_language
    base = f"{_root(request)}organise/"
    rows = await anyio.to_thread.run_sync(state.signatures.find, email)
    # What a person asks for is looked up, never logged; the audit notes that it was.
    return _page(
        request,
        state,
        "found",
        organiser,
        _cookie(request, state),
        email=email,
        rows=[_row(stored, words, base) for stored in rows],
        found=PageWords(state.template.words[language], language).count("organise_found", len(rows))
        if rows
        else words["organise_found_none"],
        **more,
    )


async def export(request: Request, state: AppState) -> Response:
    organiser = await _required(request, state)
    form = await _form(request, state)
    email = str(form.get("email", ""))[:320]
    data = await anyio.to_thread.run_sync(state.signatures.export, email, organiser)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"),
        media_type="application/json",
        headers={
            "content-disposition": 'attachment; filename="signatory-data.json"',
            "cache-control": "no-store",
        },
    )


async def erase(request: Request, state: AppState) -> Response:
    from toolkit.site.pages import PageWords

    organiser = await _required(request, state)
    form = await _form(request, state)
    email = str(form.get("email", ""))[:320]
    words = _words(state)
    if form.get("confirm") != "yes":
        return await _found(
            request, state, organiser, email, error=words["organise_confirm_needed"]
        )
    found = await anyio.to_thread.run_sync(state.signatures.find, email)
    erased = await anyio.to_thread.run_sync(state.signatures.erase, email, organiser)
    for key in {stored.letter for stored in found}:
        _forget(state, key)
    language = state.catalogue.default_language
    return await _found(
        request,
        state,
        organiser,
        email,
        message=PageWords(state.template.words[language], language).count(
            "organise_erased", erased
        ),
    )


async def audit_page(request: Request, state: AppState) -> Response:
    organiser = await _required(request, state)
    entries = await anyio.to_thread.run_sync(state.organisers.audit, 500)
    return _page(
        request,
        state,
        "audit",
        organiser,
        _cookie(request, state),
        entries=[
            {
                "at": entry.at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                "organiser": entry.organiser,
                "action": entry.action,
                "letter": entry.letter,
                "signature": entry.signature or "",
                "detail": entry.detail,
            }
            for entry in entries
        ],
    )
