"""The ledger's writes: one batch's accepted rows, in the import's transaction.

Households, persons already registered, their open spells and groups are looked up with one query
each (a single array or JSON parameter, however many keys) into frames; known persons are compared
column by column, so unchanged rows cost nothing more and the few changed ones go through a per-row
path that applies the registry's one status rule (``registry.spells``); new persons get their ids
from the sequence first, then persons, spells and key groups are written straight from frames
(``core.bulk``); the touched households are refreshed by the set-based statements of the nightly
recompute limited to their ids; one audit row per batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.audit import audit_record
from jiuye.core.bulk import allocate_ids, db_datetime, insert_frame, insert_many
from jiuye.core.masking import mask_phone
from jiuye.core.pinyin import name_pinyin
from jiuye.core.signals import notify_records_changed
from jiuye.imports.checks import report_rows
from jiuye.imports.kinds import Batch, Outcome
from jiuye.registry import actions, history, services, spells
from jiuye.registry.choices import SENSITIVE_GROUPS, STATUS_PLACE, Fact, PersonState, Relation, Source
from jiuye.registry.importing import lookups
from jiuye.registry.importing.schema import HEADER, Context
from jiuye.registry.models import EmploymentSpell, Person, PersonChange, PersonGroup
from jiuye.registry.services import zero_employment

_TEXT = pl.Utf8


@dataclass
class _Written:
    """What a batch changed, for the household refresh, the statistics and the audit row."""

    households: set[int] = field(default_factory=set)
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    starts: list[date] = field(default_factory=list)
    sites: list[int] = field(default_factory=list)  # households given another relocation site


def commit(ctx: Context, rows: pl.DataFrame, batch: Batch) -> Outcome:
    """The import kind's committer."""
    outcome = Outcome()
    col = pl.col
    # Households: those already registered, and each one's active head.
    rows = rows.join(lookups.households(rows), on=["village", "household"], how="left", maintain_order="left")
    rows = rows.join(lookups.heads_in_db(rows), on="__hid", how="left", maintain_order="left")
    no_head = col("__hid").is_null() & ~col("__household_has_head_in_file")
    report_rows(
        rows,
        no_head,
        "relation",
        HEADER["relation"],
        _("该户在系统中不存在，文件中也没有户主；每户必须有一位户主。"),
        batch,
    )
    head_taken = (
        col("__hid").is_not_null()
        & (col("__relation") == Relation.HEAD)
        & col("__head_hash").is_not_null()
        & (col("__head_hash") != col("__hash"))
    )
    report_rows(
        rows,
        head_taken,
        "relation",
        HEADER["relation"],
        _("该户在系统中已有户主；如需更换户主，请先修改原户主的与户主关系。"),
        batch,
    )
    held_back = _(
        "该户在系统中不存在，文件中本户的户主行未能导入（原因见户主行）；本行暂不导入，更正户主行后重新导入即可。"
    )
    head_rejected = col("__hid").is_null() & col("__household_has_head_in_file") & ~col("__household_head_ok")
    report_rows(rows, head_rejected, "relation", HEADER["relation"], held_back, batch)
    rows = rows.filter(~no_head & ~head_taken & ~head_rejected)

    # Persons already registered; those registered elsewhere are not this importer's to change.
    rows = rows.join(
        lookups.existing_persons(rows.get_column("__hash").to_list()), on="__hash", how="left", maintain_order="left"
    )
    outside = col("__pid").is_not_null() & ~col("p_region").str.starts_with(ctx.prefix)
    report_rows(
        rows,
        outside,
        "id_number",
        HEADER["id_number"],
        _("此人已在其他地区的台账中登记，需由原登记地办理迁移。"),
        batch,
    )
    # A household new to the registry whose head was just turned away: its other rows wait with it.
    lost = rows.filter(outside & col("__hid").is_null() & (col("__relation") == Relation.HEAD))
    held = rows.join(lost.select("village", "household"), on=["village", "household"], how="semi")
    held_rows = col("__row").is_in(held.get_column("__row").to_list()) & ~outside
    report_rows(rows, held_rows, "relation", HEADER["relation"], held_back, batch)
    rows = rows.filter(~outside & ~held_rows)
    if rows.is_empty():
        return outcome
    if rows.get_column("__hid").null_count():
        lookups.create_households(rows.filter(col("__hid").is_null()))
        rows = rows.drop("__hid", "h_site").join(
            lookups.households(rows), on=["village", "household"], how="left", maintain_order="left"
        )
    written = _Written(sites=lookups.update_sites(rows))
    now = timezone.now()
    known = rows.filter(col("__pid").is_not_null())
    if not known.is_empty():
        known = _with_unchanged(known, ctx)
        outcome.unchanged += int(known.get_column("__unchanged").sum())
        gone = ~col("__unchanged") & (col("p_state") != str(PersonState.ACTIVE))
        report_rows(
            known,
            gone,
            "id_number",
            HEADER["id_number"],
            _("此人在系统中已登记为死亡、迁出或出国（境）定居，本行未导入；如有误，请先在人员页面更正在册状态。"),
            batch,
        )
        changed = known.filter(~col("__unchanged") & ~gone)
        if not changed.is_empty():
            _write_changed(changed, ctx, outcome, batch, written, now)
    new = rows.filter(col("__pid").is_null())
    if not new.is_empty():
        _write_new(new, ctx, written, now)
        outcome.created += new.height
    if written.households:
        zero_employment.households_refresh(household_ids=written.households, on=ctx.as_of)
    if written.sites:
        written.starts.append(ctx.as_of)
    if written.starts:
        notify_records_changed(Person, since=min(written.starts))
    if written.created or written.updated or written.sites:
        audit_record(
            action=actions.IMPORT_BATCH,
            actor=ctx.user,
            object_type="registry.person",
            region_code=ctx.prefix.ljust(12, "0") if len(ctx.prefix) < 12 else ctx.prefix,
            after={
                "created": len(written.created),
                "updated": len(written.updated),
                "person_ids": ",".join(str(i) for i in written.created + written.updated)[:20000],
                "relocation_site_households": ",".join(map(str, sorted(written.sites)))[:20000],
            },
        )
    return outcome


def _write_new(new: pl.DataFrame, ctx: Context, written: _Written, now: Any) -> None:
    """Persons, their first status spell and their key groups, straight from the frame."""
    col = pl.col
    ids = allocate_ids(Person._meta.db_table, new.height)
    stamp = str(db_datetime(now))
    new = new.with_columns(__pid=pl.Series(ids, dtype=pl.Int64))
    persons = new.select(
        id=col("__pid"),
        household_id=col("__hid"),
        region_id=col("village"),
        relation=col("__relation"),
        name=col("name"),
        name_pinyin=col("__pinyin"),
        id_number=col("__id_sealed"),
        id_hash=col("__hash"),
        id_masked=col("__id_masked"),
        gender=col("__gender"),
        birth_date=col("__birth"),
        phone=col("__phone_sealed"),
        phone_hash=col("__phone_hash"),
        phone_masked=col("__phone_masked"),
        education=col("__education"),
        labor_ability=col("__ability"),
        willing=col("__willing"),
        status=col("__status"),
        status_since=col("__start"),
        state=pl.lit(str(PersonState.ACTIVE)),
        note=col("note"),
        version=pl.lit(1, dtype=pl.Int64),
        created_at=pl.lit(stamp),
        updated_at=pl.lit(stamp),
    )
    insert_frame(Person._meta.db_table, persons)
    insert_frame(EmploymentSpell._meta.db_table, _spells(new, ctx, stamp))
    groups = (
        new.filter(col("__groups") != "")
        .select(person_id=col("__pid"), group=col("__groups").str.split(","))
        .explode("group")
    )
    insert_frame(PersonGroup._meta.db_table, groups)
    written.households.update(new.get_column("__hid").to_list())
    written.created.extend(ids)
    written.starts.append(new.get_column("__start").min())  # type: ignore[arg-type]


def _spells(rows: pl.DataFrame, ctx: Context, stamp: str) -> pl.DataFrame:
    recorder = ctx.user.pk if getattr(ctx.user, "is_authenticated", False) else None
    places = {str(k): str(v) for k, v in STATUS_PLACE.items()}
    return rows.select(
        person_id=pl.col("__pid"),
        status=pl.col("__status"),
        place=pl.col("__status").replace_strict(list(places), list(places.values()), default=""),
        location=pl.col("location"),
        employer_name=pl.col("employer"),
        employer_credit_code=pl.col("credit_code"),
        monthly_income=pl.col("__income"),
        start=pl.col("__start"),
        source=pl.lit(str(Source.IMPORT)),
        recorded_by_id=pl.lit(recorder, dtype=pl.Int64),
        recorded_at=pl.lit(stamp),
    )


def _with_unchanged(known: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """Mark the rows that would change nothing: the person, the open spell and the groups as stored
    (as far as the uploader may see them). The spell's part is ``spells.plan``'s "nothing changes",
    column-wise: the same status with the same details."""
    col = pl.col
    pids = known.get_column("__pid").to_list()
    known = known.join(lookups.open_spells(pids), on="__pid", how="left", maintain_order="left").join(
        lookups.groups_of(pids, hidden=frozenset() if ctx.sensitive else SENSITIVE_GROUPS),
        on="__pid",
        how="left",
        maintain_order="left",
    )
    same_spell = col("s_open").is_null() | (
        (col("s_location") == col("location"))
        & (col("s_employer") == col("employer"))
        & (col("s_credit") == col("credit_code"))
        & col("s_income").eq_missing(col("__income"))
    )
    unchanged = (
        (col("p_household") == col("__hid"))
        & (col("p_region") == col("village"))
        & (col("p_relation") == col("__relation"))
        & (col("p_name") == col("name"))
        & (col("p_ability") == col("__ability"))
        & (col("p_willing") == col("__willing"))
        & (col("p_education") == col("__education"))
        & (col("p_phone_hash") == col("__phone_hash"))
        & (col("p_note") == col("note"))
        & (col("p_status") == col("__status"))
        & (col("g_groups").fill_null("") == col("__groups"))
        & same_spell
    )
    return known.with_columns(__unchanged=unchanged.fill_null(False))


_PERSON_FIELDS = [
    "household",
    "region",
    "relation",
    "name",
    "name_pinyin",
    "labor_ability",
    "willing",
    "education",
    "phone",
    "phone_hash",
    "phone_masked",
    "note",
    "status",
    "status_since",
    "version",
    "updated_at",
]
# The ledger column a dated fact comes from (to report a row whose day contradicts the history).
_FACT_KEYS: dict[str, str] = {
    Fact.LABOR_ABILITY: "ability",
    Fact.WILLING: "willing",
    Fact.HOUSEHOLD: "household",
    Fact.RELATION: "relation",
    Fact.GROUP: "groups",
}
_SPELL_FIELDS = ["status", "place", "location", "employer_name", "employer_credit_code", "monthly_income", "source"]


def _write_changed(
    rows: pl.DataFrame, ctx: Context, outcome: Outcome, batch: Batch, written: _Written, now: Any
) -> None:
    """Persons whose row differs from what is stored: compared and written one by one (few), the
    status by the registry's one rule (``spells.plan``, as a clerk's status change)."""
    persons = {p.pk: p for p in Person.objects.filter(pk__in=rows.get_column("__pid").to_list()).defer("id_number")}
    open_spells = {
        s.person_id: s for s in EmploymentSpell.objects.filter(person_id__in=list(persons), end__isnull=True)
    }
    # Dated facts change from the ledger's day: refused where it precedes a change already recorded.
    last = history.latest(persons, [*history.FACTS.values(), Fact.GROUP])
    dated: list[PersonChange] = []
    new_spells: list[dict[str, Any]] = []
    changed_persons: list[Person] = []
    spell_updates: list[EmploymentSpell] = []
    spell_closes: list[EmploymentSpell] = []
    group_replacements: dict[int, list[str]] = {}
    for row in rows.iter_rows(named=True):
        person = persons[row["__pid"]]
        spell = open_spells.get(person.pk)
        report = spells.SpellFacts(
            status=row["__status"],
            location=row["location"],
            employer_name=row["employer"],
            employer_credit_code=row["credit_code"],
            monthly_income=row["__income"],
        )
        try:
            plan = spells.plan(
                current=services.spell_facts(spell) if spell else None,
                since=spell.start if spell else None,
                report=report,
                start=row["__start"] if row["__start_given"] else None,
                default=ctx.as_of,
            )
        except spells.SpellRefused as exc:
            batch.reject(row["__row"], HEADER["start"], row["start"] or ctx.as_of.isoformat(), str(exc))
            continue
        wanted = {
            "household_id": row["__hid"],
            "region_id": row["village"],
            "relation": row["__relation"],
            "name": row["name"],
            "labor_ability": row["__ability"],
            "willing": row["__willing"],
            "education": row["__education"],
            # Compared by keyed hash: the stored phone is never decrypted for the comparison.
            "phone_hash": row["__phone_hash"],
            "note": row["note"],
        }
        changed = {k: v for k, v in wanted.items() if getattr(person, k) != v}
        groups_changed = (row["g_groups"] or "") != row["__groups"]
        if not changed and plan.step == spells.Step.NONE and not groups_changed:
            outcome.unchanged += 1
            continue
        facts = history.field_changes(
            person_id=person.pk,
            before={k: getattr(person, k) for k in changed},
            after=changed,
            effective=ctx.as_of,
            source=Source.IMPORT,
            actor=ctx.user,
        )
        if groups_changed:
            had, wants = ({g for g in text.split(",") if g} for text in (row["g_groups"] or "", row["__groups"]))
            facts += history.group_changes(
                person_id=person.pk, had=had, wants=wants, effective=ctx.as_of, source=Source.IMPORT, actor=ctx.user
            )
        refused = next(
            (
                (fact.fact, fact.after or fact.before, reason)
                for fact in facts
                if (reason := history.refusal(ctx.as_of, last=last.get((person.pk, fact.fact)), today=ctx.today))
            ),
            None,
        )
        if refused is not None:
            fact_name, shown, why = refused
            batch.reject(row["__row"], HEADER[_FACT_KEYS[fact_name]], shown, why)
            continue
        dated.extend(facts)
        if plan.step in (spells.Step.AMEND, spells.Step.REPLACE) and spell is not None:
            kept = spell.place if plan.step == spells.Step.AMEND else None
            for name, value in report.written(kept_place=kept).items():
                setattr(spell, name, value)
            spell.source = Source.IMPORT
            spell_updates.append(spell)
        elif plan.step == spells.Step.SUCCEED:
            if spell is not None and plan.close_on is not None:
                spell.end = plan.close_on
                spell_closes.append(spell)
            new_spells.append({**row, "__start": plan.start})
            written.starts.append(plan.start)
        if plan.step != spells.Step.NONE:
            person.status, person.status_since = row["__status"], plan.start
        if groups_changed:
            group_replacements[person.pk] = [g for g in row["__groups"].split(",") if g]
        old_household = person.household_id
        for k, v in changed.items():
            setattr(person, k, v)
        if "name" in changed:
            person.name_pinyin = name_pinyin(person.name)
        # Equal hashes mean an equal phone, so the row's phone is the one to keep either way.
        person.phone = row["phone"]
        person.phone_masked = mask_phone(row["phone"]) if row["phone"] else ""
        person.version += 1
        person.updated_at = now
        changed_persons.append(person)
        written.households.update({old_household, row["__hid"]})
        written.updated.append(person.pk)
        outcome.updated += 1
    if not changed_persons:
        return
    written.starts.append(ctx.as_of)
    Person.objects.bulk_update(changed_persons, _PERSON_FIELDS, batch_size=1000)
    PersonChange.objects.bulk_create(dated, batch_size=1000)
    # Closed before the new spells open: one open spell per person at any moment.
    EmploymentSpell.objects.bulk_update(spell_closes, ["end"], batch_size=1000)
    EmploymentSpell.objects.bulk_update(spell_updates, _SPELL_FIELDS, batch_size=1000)
    if new_spells:
        frame = pl.DataFrame(new_spells, schema=rows.schema)
        insert_frame(EmploymentSpell._meta.db_table, _spells(frame, ctx, str(db_datetime(now))))
    if group_replacements:
        replaced = PersonGroup.objects.filter(person_id__in=list(group_replacements))
        if not ctx.sensitive:  # the sensitive groups the uploader cannot see stay as they are
            replaced = replaced.exclude(group__in=SENSITIVE_GROUPS)
        replaced.delete()
        insert_many(
            PersonGroup._meta.db_table,
            ["person_id", "group"],
            [(pid, g) for pid, groups in group_replacements.items() for g in groups],
        )
