"""Signatures collected on an open letter's sign-on page: signing (one row a person, by the
import's own rules), what a letter prints, moderation, and the data-protection duties (find,
export, erase, purge), each change recorded in the audit table."""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from toolkit.consent import Answer, initials
from toolkit.database import Database, audit, letters, signatures
from toolkit.errors import UnionkitError
from toolkit.signatories import Signatory, merge_duplicates, person_key, tidy
from toolkit.tables import tidy_cell

Choice = Literal["name", "initials", "count"]
# The choices the sign-on page offers: "publish my name and organisation", "initials only",
# "count me but do not publish my name".
CHOICES: tuple[Choice, ...] = ("name", "initials", "count")
Status = Literal["new", "approved", "hidden"]
STATUSES: tuple[Status, ...] = ("new", "approved", "hidden")
# What one person may write in each field: what a line of the printed letter holds (longer
# is a message in the wrong box), and the longest email address there is.
LENGTHS = {"name": 100, "role": 120, "organisation": 150, "group": 500, "email": 254}
EDITABLE = ("name", "role", "organisation", "group")
_COLUMNS = {"group": "group_name"}


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def aware(moment: datetime.datetime) -> datetime.datetime:
    """A time read back from the database, in UTC (SQLite keeps no zone: it was UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def answer_for(choice: str) -> Answer:
    """A sign-on page's choice as the consent rules read it."""
    if choice == "name":
        return Answer("yes")
    if choice == "initials":
        return Answer("initials", organisation=False)
    if choice == "count":
        return Answer("count")
    raise ValueError(f"unknown publication choice {choice!r}")


@dataclass(frozen=True)
class LetterSettings:
    """An open letter that collects signatures, as the database remembers it."""

    key: str
    """The letter's file name without `.yaml` (its translations share it, and their
    signatures)."""
    title: str
    moderation: str = "none"
    hand_in: datetime.date | None = None
    closes: datetime.date | None = None

    @property
    def moderated(self) -> bool:
        return self.moderation == "required"


@dataclass(frozen=True)
class Stored:
    """One signature as kept."""

    id: int
    letter: str
    name: str
    role: str
    organisation: str
    group: str
    email: str
    publish: str
    language: str
    status: str
    signed_at: datetime.datetime
    answered_at: datetime.datetime
    purged: bool = False

    def published(self, moderated: bool) -> bool:
        """Whether the letter may print it: approved, or not yet looked at where the letter
        needs no approval; never when hidden."""
        return self.status == "approved" or (self.status == "new" and not moderated)

    def signatory(self, *, file: Path | None = None, line: int | None = None) -> Signatory:
        """The signature as the import's rules see a row: its answer, its time (naive UTC,
        comparable with a form export's), and where it came from."""
        return Signatory(
            # A count-only signature whose name was purged is still counted, never printed.
            name=self.name or f"#{self.id}",
            role=self.role,
            organisation=self.organisation,
            group=self.group,
            email=self.email,
            file=file,
            line=line,
            answer=answer_for(self.publish),
            policy="required",
            timestamp=aware(self.answered_at).replace(tzinfo=None),
            source=f"collected:{self.id}",
        )

    def as_json(self) -> dict[str, Any]:
        """Everything kept about this signature, for a person who asks to see it."""
        return {
            "letter": self.letter,
            "name": self.name,
            "role": self.role,
            "organisation": self.organisation,
            "group": self.group,
            "email": self.email,
            "publication": {
                "name": "publish my name and organisation",
                "initials": "initials only",
                "count": "count me but do not publish my name",
            }[self.publish],
            "language": self.language,
            "status": self.status,
            "signed_at": aware(self.signed_at).isoformat(),
            "answered_at": aware(self.answered_at).isoformat(),
        }


def _stored(row: Row[Any]) -> Stored:
    return Stored(
        id=row.id,
        letter=row.letter,
        name=row.name,
        role=row.role,
        organisation=row.organisation,
        group=row.group_name,
        email=row.email or "",
        publish=row.publish,
        language=row.language,
        status=row.status,
        signed_at=aware(row.signed_at),
        answered_at=aware(row.answered_at),
        purged=row.purged_at is not None,
    )


def dedupe_key(person: Signatory) -> str:
    """What makes two signatures of a letter one person: the email, else the name and
    organisation (the import's rule; the database holds it unique per letter)."""
    return f"e:{person.email}" if person.email else f"n:{person_key(person)}"


def record(
    connection: Connection,
    organiser: str,
    action: str,
    *,
    letter: str = "",
    signature: int | None = None,
    detail: str = "",
    now: datetime.datetime | None = None,
) -> None:
    """One line of the audit: who, when, what (never personal data: fields, not values)."""
    connection.execute(
        audit.insert().values(
            at=now or utcnow(),
            organiser=organiser[:100],
            action=action[:40],
            letter=letter[:200],
            signature=signature,
            detail=detail[:500],
        )
    )


@dataclass
class Purged:
    """What `--purge-after` did."""

    emails: int = 0
    reduced: int = 0
    deleted: int = 0
    undated: list[str] | None = None

    def describe(self) -> str:
        return (
            f"{self.emails} emails removed, {self.reduced} names reduced to what is published,"
            f" {self.deleted} unpublished signatures deleted"
        )


class Signatures:
    """The signatures kept in a campaign's database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # -- letters ------------------------------------------------------------------------------
    def remember_letters(self, settings: Iterable[LetterSettings]) -> None:
        """Record the collecting letters as the campaign now has them."""
        now = utcnow()
        with self.database.transaction() as connection:
            for letter in settings:
                values = {
                    "title": letter.title[:500],
                    "moderation": letter.moderation,
                    "hand_in": letter.hand_in,
                    "closes": letter.closes,
                    "updated_at": now,
                }
                done = connection.execute(
                    update(letters).where(letters.c.key == letter.key).values(**values)
                )
                if not done.rowcount:
                    connection.execute(letters.insert().values(key=letter.key, **values))

    def letters(self) -> list[LetterSettings]:
        with self.database.engine.connect() as connection:
            rows = connection.execute(select(letters).order_by(letters.c.key)).all()
        return [
            LetterSettings(row.key, row.title, row.moderation, row.hand_in, row.closes)
            for row in rows
        ]

    # -- signing ------------------------------------------------------------------------------
    def sign(
        self,
        letter: str,
        person: Signatory,
        choice: Choice,
        language: str,
        *,
        moderated: bool,
        now: datetime.datetime | None = None,
    ) -> tuple[int, bool]:
        """Keep a signature: (its row, whether it is new). A person who signed before (the
        same email, else the same name and organisation: `merge_duplicates` decides, as for
        a file) is updated: their latest answer counts, the fields they left empty keep what
        they wrote before, and where the letter needs approval, it waits for it again."""
        now = now or utcnow()
        new = replace(
            tidy(person),
            answer=answer_for(choice),
            policy="required",
            timestamp=now.replace(tzinfo=None),
            source="new",
            order=1 << 40,
        )
        for attempt in range(5):
            try:
                with self.database.transaction() as connection:
                    return self._sign(connection, letter, new, choice, language, moderated, now)
            except IntegrityError:
                # Another request kept the same person a moment ago: read again, update it.
                if attempt == 4:
                    raise
        raise AssertionError("unreachable")

    def _sign(
        self,
        connection: Connection,
        letter: str,
        new: Signatory,
        choice: Choice,
        language: str,
        moderated: bool,
        now: datetime.datetime,
    ) -> tuple[int, bool]:
        same = signatures.c.person_key == person_key(new)
        if new.email:
            same = or_(same, signatures.c.email == new.email)
        rows = connection.execute(
            select(signatures)
            .where(signatures.c.letter == letter, same)
            .order_by(signatures.c.id)
            .limit(50)
        ).all()
        found = [_stored(row) for row in rows]
        earlier = [
            replace(stored.signatory(), source=str(stored.id), order=index)
            for index, stored in enumerate(found)
        ]
        report = merge_duplicates([new, *earlier])
        same_person = [int(other.source) for kept, other in report.merged if kept.source == "new"]
        merged = report.kept[0]
        values = {
            "name": merged.name[:500],
            "role": merged.role[:500],
            "organisation": merged.organisation[:500],
            "group_name": merged.group[:500],
            "email": merged.email or None,
            "publish": choice,
            "language": language,
            "answered_at": now,
            "dedupe_key": dedupe_key(merged)[:700],
            "person_key": person_key(merged)[:700],
            "purged_at": None,
        }
        if not same_person:
            inserted = connection.execute(
                signatures.insert().values(letter=letter, status="new", signed_at=now, **values)
            )
            key = inserted.inserted_primary_key
            assert key is not None
            return int(key[0]), True
        by_id = {stored.id: stored for stored in found}
        target = next(
            (i for i in same_person if new.email and by_id[i].email == new.email), same_person[0]
        )
        status = "new" if moderated and by_id[target].status != "hidden" else by_id[target].status
        connection.execute(
            update(signatures).where(signatures.c.id == target).values(status=status, **values)
        )
        return target, False

    # -- reading ------------------------------------------------------------------------------
    def of_letter(
        self,
        letter: str,
        status: str | None = None,
        *,
        offset: int = 0,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[Stored]:
        query = select(signatures).where(signatures.c.letter == letter)
        if status:
            query = query.where(signatures.c.status == status)
        order = signatures.c.id.desc() if newest_first else signatures.c.id
        query = query.order_by(order).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.database.engine.connect() as connection:
            return [_stored(row) for row in connection.execute(query)]

    def published(self, letter: str, moderated: bool) -> list[Stored]:
        """The signatures a letter may print (each person's choice still applies)."""
        allowed = ["approved"] if moderated else ["approved", "new"]
        query = (
            select(signatures)
            .where(signatures.c.letter == letter, signatures.c.status.in_(allowed))
            .order_by(signatures.c.id)
        )
        with self.database.engine.connect() as connection:
            return [_stored(row) for row in connection.execute(query)]

    def counts(self) -> dict[str, Counter[str]]:
        """How many signatures each letter has in each status."""
        query = select(signatures.c.letter, signatures.c.status, func.count()).group_by(
            signatures.c.letter, signatures.c.status
        )
        found: dict[str, Counter[str]] = {}
        with self.database.engine.connect() as connection:
            for letter, status, count in connection.execute(query):
                found.setdefault(letter, Counter())[status] = int(count)
        return found

    def get(self, signature: int) -> Stored | None:
        with self.database.engine.connect() as connection:
            row = connection.execute(select(signatures).where(signatures.c.id == signature)).first()
        return _stored(row) if row is not None else None

    # -- moderation ---------------------------------------------------------------------------
    def set_status(self, ids: Sequence[int], status: Status, organiser: str) -> int:
        """Approve or hide signatures; how many changed."""
        changed = 0
        now = utcnow()
        with self.database.transaction() as connection:
            rows = connection.execute(
                select(signatures.c.id, signatures.c.letter, signatures.c.status).where(
                    signatures.c.id.in_(list(ids))
                )
            ).all()
            for row in rows:
                if row.status == status:
                    continue
                connection.execute(
                    update(signatures).where(signatures.c.id == row.id).values(status=status)
                )
                action = {"approved": "approve", "hidden": "hide", "new": "restore"}[status]
                record(
                    connection,
                    organiser,
                    action,
                    letter=row.letter,
                    signature=row.id,
                    detail=f"{row.status} → {status}",
                    now=now,
                )
                changed += 1
        return changed

    def edit(self, signature: int, fields: dict[str, str], organiser: str) -> list[str]:
        """Correct the spelling of a signature's name, role, organisation or group (cleaned
        as the import cleans cells); the fields changed. Raises `UnionkitError` for a value
        too long, a name left empty, or a name and organisation another signature has."""
        cleaned = {key: tidy_cell(fields[key]) for key in EDITABLE if key in fields}
        for key, value in cleaned.items():
            if len(value) > LENGTHS[key]:
                raise UnionkitError(f"at most {LENGTHS[key]} characters", field=key)
        if "name" in cleaned and not cleaned["name"]:
            raise UnionkitError("required: a signature needs a name", field="name")
        try:
            with self.database.transaction() as connection:
                row = connection.execute(
                    select(signatures).where(signatures.c.id == signature)
                ).first()
                if row is None:
                    raise UnionkitError("this signature is no longer kept", field="")
                stored = _stored(row)
                changed = [key for key, value in cleaned.items() if getattr(stored, key) != value]
                if not changed:
                    return []
                person = replace(
                    stored.signatory(),
                    name=cleaned.get("name", stored.name),
                    organisation=cleaned.get("organisation", stored.organisation),
                )
                values: dict[str, Any] = {_COLUMNS.get(k, k): cleaned[k] for k in changed}
                values["person_key"] = person_key(person)[:700]
                if not stored.email:
                    values["dedupe_key"] = dedupe_key(replace(person, email=""))[:700]
                connection.execute(
                    update(signatures).where(signatures.c.id == signature).values(**values)
                )
                record(
                    connection,
                    organiser,
                    "edit",
                    letter=stored.letter,
                    signature=signature,
                    detail="changed " + ", ".join(changed),
                )
                return changed
        except IntegrityError:
            raise UnionkitError(
                "another signature of this letter has that name and organisation: delete one"
                " of them instead",
                field="name",
            ) from None

    def delete(self, ids: Sequence[int], organiser: str, *, action: str = "delete") -> int:
        """Delete signatures outright (a fake, a joke, spam); how many."""
        with self.database.transaction() as connection:
            rows = connection.execute(
                select(signatures.c.id, signatures.c.letter).where(signatures.c.id.in_(list(ids)))
            ).all()
            for row in rows:
                record(connection, organiser, action, letter=row.letter, signature=row.id)
            connection.execute(delete(signatures).where(signatures.c.id.in_([r.id for r in rows])))
        return len(rows)

    # -- data protection ----------------------------------------------------------------------
    def find(self, email: str) -> list[Stored]:
        """Every signature given with this email address, on every letter."""
        from toolkit.signatories import clean_email

        address = clean_email(email)
        if not address:
            return []
        with self.database.engine.connect() as connection:
            rows = connection.execute(
                select(signatures).where(signatures.c.email == address).order_by(signatures.c.id)
            )
            return [_stored(row) for row in rows]

    def export(self, email: str, organiser: str) -> dict[str, Any]:
        """What is kept about the person who gave this email, as JSON-ready data (a subject
        access request); the export is recorded (without the address)."""
        found = self.find(email)
        with self.database.transaction() as connection:
            for stored in found:
                record(connection, organiser, "export", letter=stored.letter, signature=stored.id)
        return {
            "kept_by": "unionkit: signatures on the campaign's open letters",
            "exported_at": utcnow().isoformat(),
            "signatures": [stored.as_json() for stored in found],
            "not_kept": "no IP address, browser details or other trace of the visit is kept",
        }

    def erase(self, email: str, organiser: str) -> int:
        """Remove every signature given with this email address (they leave every later
        build); how many."""
        return self.delete([stored.id for stored in self.find(email)], organiser, action="erase")

    def purge(
        self, days: int, *, today: datetime.date | None = None, who: str = "--purge-after"
    ) -> Purged:
        """For each letter handed in more than `days` days ago (its `date:`, else `closes:`):
        delete the emails of its signatures, reduce each to what it publishes (initials stay
        initials; a count-only signature keeps nothing but its place in the count) and
        delete the signatures that were never published."""
        today = today or utcnow().date()
        result = Purged(undated=[])
        now = utcnow()
        for letter in self.letters():
            handed_in = letter.hand_in or letter.closes
            if handed_in is None:
                assert result.undated is not None
                result.undated.append(letter.key)
                continue
            if today <= handed_in + datetime.timedelta(days=days):
                continue
            with self.database.transaction() as connection:
                rows = connection.execute(
                    select(signatures).where(
                        signatures.c.letter == letter.key, signatures.c.purged_at.is_(None)
                    )
                ).all()
                before = Purged()
                for stored in map(_stored, rows):
                    if not stored.published(letter.moderated):
                        connection.execute(delete(signatures).where(signatures.c.id == stored.id))
                        before.deleted += 1
                        continue
                    values: dict[str, Any] = {
                        "email": None,
                        "dedupe_key": f"p:{stored.id}",
                        "person_key": f"p:{stored.id}",
                        "purged_at": now,
                    }
                    if stored.publish == "initials":
                        values |= {"name": initials(stored.name), "role": "", "organisation": ""}
                    elif stored.publish == "count":
                        values |= {"name": "", "role": "", "organisation": "", "group_name": ""}
                    before.emails += bool(stored.email)
                    before.reduced += stored.publish != "name"
                    connection.execute(
                        update(signatures).where(signatures.c.id == stored.id).values(**values)
                    )
                if rows:
                    record(connection, who, "purge", letter=letter.key, detail=before.describe())
            result.emails += before.emails
            result.reduced += before.reduced
            result.deleted += before.deleted
        return result


def fingerprint(rows: Iterable[Stored]) -> str:
    """A digest of what a build prints from these signatures."""
    digest = hashlib.sha256()
    for stored in rows:
        digest.update(
            repr(
                (
                    stored.id,
                    stored.name,
                    stored.role,
                    stored.organisation,
                    stored.group,
                    stored.email,
                    stored.publish,
                    stored.status,
                    stored.answered_at.isoformat(),
                )
            ).encode()
        )
    return digest.hexdigest()
