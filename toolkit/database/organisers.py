"""Organisers who moderate signatures: passwords kept as scrypt hashes, logins that lock a
name out after repeated failures, sessions shared by every server through the database, and
the audit of what each organiser changed."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import cache

from sqlalchemy import delete, select, update

from toolkit.database import Database, audit, organiser_accounts, organiser_sessions
from toolkit.database.signatures import aware, record, utcnow
from toolkit.errors import UnionkitError

# scrypt from Python's own hashlib: memory-hard (32 MiB a guess at these settings, about
# 0.1 s), so a stolen database is slow to attack, and no extra library is needed.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_MEMORY = 64 * 1024 * 1024
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_NAME = 100
# Five wrong passwords in a row lock the name for fifteen minutes.
MAX_FAILURES = 5
LOCK = datetime.timedelta(minutes=15)
SESSION = datetime.timedelta(hours=12)


def hash_password(password: str) -> str:
    """A scrypt hash of `password` with a new salt, with its settings, to keep."""
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=SCRYPT_MEMORY,
        dklen=32,
    )
    encoded = [base64.b64encode(part).decode("ascii") for part in (salt, key)]
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encoded[0]}${encoded[1]}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` was made from (in constant time)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt" or not (2 <= int(n) <= 2**20 and 1 <= int(r) <= 16):
            return False
        expected = base64.b64decode(key)
        found = hashlib.scrypt(
            password.encode("utf-8")[: MAX_PASSWORD * 4],
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=SCRYPT_MEMORY * 2,
            dklen=len(expected),
        )
    except ValueError:
        return False
    return hmac.compare_digest(found, expected)


@cache
def _dummy() -> str:
    """Checked when a name is unknown, so that a wrong name takes as long as a wrong
    password."""
    return hash_password(secrets.token_hex(16))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Login:
    """What a login attempt came to: a session's token, or why not."""

    token: str = ""
    organiser: str = ""
    locked_until: datetime.datetime | None = None

    @property
    def ok(self) -> bool:
        return bool(self.token)


@dataclass(frozen=True)
class AuditEntry:
    at: datetime.datetime
    organiser: str
    action: str
    letter: str
    signature: int | None
    detail: str


def check_password_choice(name: str, password: str) -> None:
    """Refuse a name or password an organiser should not use."""
    if not name.strip() or len(name) > MAX_NAME or any(not c.isprintable() for c in name):
        raise UnionkitError(
            f"an organiser's name is 1 to {MAX_NAME} printable characters", field="--set-password"
        )
    if len(password) < MIN_PASSWORD:
        raise UnionkitError(
            f"the password is too short: use at least {MIN_PASSWORD} characters (a few words"
            " make a good one)",
            field="--set-password",
        )
    if len(password) > MAX_PASSWORD:
        raise UnionkitError(f"at most {MAX_PASSWORD} characters", field="--set-password")


class Organisers:
    """The organisers kept in a campaign's database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def set_password(self, name: str, password: str) -> bool:
        """Set (or replace) an organiser's password; True when the organiser is new. Their
        sessions end and a lock-out is lifted."""
        check_password_choice(name, password)
        name = name.strip()
        hashed = hash_password(password)
        now = utcnow()
        with self.database.transaction() as connection:
            done = connection.execute(
                update(organiser_accounts)
                .where(organiser_accounts.c.name == name)
                .values(password_hash=hashed, failures=0, locked_until=None, changed_at=now)
            )
            created = not done.rowcount
            if created:
                connection.execute(
                    organiser_accounts.insert().values(
                        name=name, password_hash=hashed, changed_at=now
                    )
                )
            connection.execute(
                delete(organiser_sessions).where(organiser_sessions.c.organiser == name)
            )
            record(connection, name, "set password", detail="new organiser" if created else "")
        return created

    def names(self) -> list[str]:
        with self.database.engine.connect() as connection:
            return list(
                connection.execute(
                    select(organiser_accounts.c.name).order_by(organiser_accounts.c.name)
                ).scalars()
            )

    def login(self, name: str, password: str, *, now: datetime.datetime | None = None) -> Login:
        """Check a name and password: a new session, or a refusal (with the time a locked
        name opens again)."""
        now = now or utcnow()
        name = name.strip()[:MAX_NAME]
        password = password[:MAX_PASSWORD]
        with self.database.engine.connect() as connection:
            row = connection.execute(
                select(organiser_accounts).where(organiser_accounts.c.name == name)
            ).first()
        if row is None:
            verify_password(password, _dummy())
            return Login()
        locked = aware(row.locked_until) if row.locked_until else None
        if locked is not None and locked > now:
            return Login(locked_until=locked)
        if not verify_password(password, row.password_hash):
            with self.database.transaction() as connection:
                failures = row.failures + 1
                values: dict[str, object] = {"failures": failures}
                if failures >= MAX_FAILURES:
                    values = {"failures": 0, "locked_until": now + LOCK}
                    record(connection, name, "locked out", detail=f"{failures} wrong passwords")
                connection.execute(
                    update(organiser_accounts)
                    .where(organiser_accounts.c.id == row.id)
                    .values(**values)
                )
            until = values.get("locked_until")
            return Login(locked_until=until if isinstance(until, datetime.datetime) else None)
        token = secrets.token_urlsafe(32)
        with self.database.transaction() as connection:
            connection.execute(
                update(organiser_accounts)
                .where(organiser_accounts.c.id == row.id)
                .values(failures=0, locked_until=None)
            )
            connection.execute(
                delete(organiser_sessions).where(organiser_sessions.c.expires_at < now)
            )
            connection.execute(
                organiser_sessions.insert().values(
                    token_hash=_token_hash(token),
                    organiser=name,
                    created_at=now,
                    expires_at=now + SESSION,
                )
            )
            record(connection, name, "log in")
        return Login(token=token, organiser=name)

    def session(self, token: str | None, *, now: datetime.datetime | None = None) -> str | None:
        """The organiser a session's cookie belongs to, while it lasts."""
        if not token or len(token) > 100:
            return None
        now = now or utcnow()
        with self.database.engine.connect() as connection:
            row = connection.execute(
                select(organiser_sessions).where(
                    organiser_sessions.c.token_hash == _token_hash(token)
                )
            ).first()
        if row is None or row.expires_at is None or aware(row.expires_at) <= now:
            return None
        return str(row.organiser)

    def logout(self, token: str | None) -> None:
        if not token:
            return
        with self.database.transaction() as connection:
            connection.execute(
                delete(organiser_sessions).where(
                    organiser_sessions.c.token_hash == _token_hash(token)
                )
            )

    def audit(self, limit: int = 200) -> list[AuditEntry]:
        """The latest entries of the audit, newest first."""
        with self.database.engine.connect() as connection:
            rows = connection.execute(select(audit).order_by(audit.c.id.desc()).limit(limit))
            return [
                AuditEntry(
                    aware(row.at) if row.at else utcnow(),
                    row.organiser,
                    row.action,
                    row.letter,
                    row.signature,
                    row.detail,
                )
                for row in rows
            ]
