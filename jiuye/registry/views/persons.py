"""The registry list, a person's page and everything done from it: edit (with the stale-edit check and dated facts), ID correction, status, registrations, moving, registry state, reveals; and registering a person."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuye.core import panels, ratelimit
from jiuye.core.access import staff_view
from jiuye.core.forms import add_service_errors
from jiuye.core.pagination import paginate
from jiuye.core.permissions import Perm, can_view_sensitive, has_perm
from jiuye.core.ratelimit import rate_limited
from jiuye.core.scoping import can_write, write_prefix
from jiuye.regions.models import Region
from jiuye.regions.picker import bind as bind_pickers
from jiuye.regions.selectors import region_breadcrumb
from jiuye.registry import selectors, services
from jiuye.registry.choices import Source, group_choices
from jiuye.registry.forms import (
    HouseholdTargetForm,
    IdCorrectionForm,
    MoveForm,
    PersonCreateForm,
    PersonEditForm,
    PersonLookupForm,
    RegistrationForm,
    RevealForm,
    StateForm,
    StatusChangeForm,
    person_filters,
)
from jiuye.registry.models import Household, Person, PersonGroup

PAGE_SIZE = 50


@staff_view(Perm.VIEW_PERSONAL_DATA)
@rate_limited(ratelimit.SEARCH)
def person_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form, filters = person_filters(request.GET, request.user)
    lookup = PersonLookupForm(request.POST or None)
    if request.method == "POST" and lookup.is_valid():
        filters = selectors.PersonFilters(
            id_number=lookup.cleaned_data["id_number"], phone=lookup.cleaned_data["phone"], state=""
        )
    persons = selectors.person_list(user=request.user, filters=filters)
    page = paginate(persons, PAGE_SIZE, request.GET.get("page"))
    groups: dict[int, list[str]] = {}
    labels = dict(group_choices(sensitive=can_view_sensitive(user)))  # only the groups the user may see
    for person_id, group in PersonGroup.objects.filter(
        person_id__in=[p.pk for p in page.object_list], group__in=list(labels)
    ).values_list("person_id", "group"):
        groups.setdefault(person_id, []).append(str(labels.get(group, group)))
    today = timezone.localdate()
    for person in page.object_list:
        person.group_labels = groups.get(person.pk, [])  # type: ignore[attr-defined]
        person.age = person.age_on(today)  # type: ignore[attr-defined]  # shown without the security label
    query = request.GET.copy()
    query.pop("page", None)
    template = (
        "registry/_person_rows.html"
        if getattr(request, "htmx", False) and request.method == "GET"
        else "registry/person_list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "lookup": lookup,
            "page": page,
            "query": query.urlencode(),
            "can_import": write_prefix(user) is not None,
            "sensitive": can_view_sensitive(user),
        },
    )


@staff_view(Perm.VIEW_PERSONAL_DATA)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    context = _person_context(request, person)
    services.sensitive_viewed(
        actor=request.user, person=person, groups=context["group_codes"], spells=context["timeline"]
    )
    return render(request, "registry/person_detail.html", context)


def _person_context(request: HttpRequest, person: Any, **extra: Any) -> dict[str, Any]:
    user: Any = request.user
    can_edit = can_write(user, person.region_id)
    sensitive = can_view_sensitive(user)
    labels = dict(group_choices(sensitive=sensitive))  # only the groups the user may see
    codes = list(person.groups.values_list("group", flat=True))
    return {
        "person": person,
        "age": person.age_on(timezone.localdate()),
        "sensitive": sensitive,
        "group_codes": codes,
        "groups": [labels[g] for g in codes if g in labels],
        "timeline": selectors.person_timeline(person=person),
        "changes": selectors.person_changes(user=user, person=person),
        "registrations": selectors.person_registrations(person=person),
        "household": person.household,
        "breadcrumb": region_breadcrumb(user=user, region=person.region),
        "can_edit": can_edit,
        "can_reveal": has_perm(user, Perm.REVEAL_PERSONAL_DATA),
        "status_form": StatusChangeForm(initial={"status": person.status}),
        "registration_form": RegistrationForm(),
        "reveal_form": RevealForm(),
        "move_form": bind_pickers(MoveForm(initial={"village": person.region_id}), user),
        "state_form": StateForm(initial={"state": person.state}),
        "panels": panels.render(request, "registry.person", person),
        **extra,
    }


_SEEN_SALT = "registry.person_edit.seen"


def _seen(value: str) -> dict[str, Any] | None:
    """The record as the clerk's page showed it (signed, so it cannot be made up); None if absent."""
    try:
        seen = signing.loads(value, salt=_SEEN_SALT)
    except signing.BadSignature:
        return None
    return seen if isinstance(seen, dict) else None


def _changes_shown(user: Any, changed: dict[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    """A stale edit's changes by field name and display value (labels, 是/否, household numbers:
    of the households the user can see, "—" for another)."""
    households = dict(
        Household.objects.visible_to(user).filter(pk__in=changed.get("household_id", ())).values_list("pk", "number")
    )
    shown: dict[str, tuple[Any, Any]] = {}
    for name, pair in changed.items():
        field: Any = Person._meta.get_field(name)
        if name == "household_id":
            values = tuple(households.get(v, "—") for v in pair)
        elif field.choices:
            labels = dict(field.flatchoices)
            values = tuple(labels.get(v, v) for v in pair)
        elif isinstance(pair[0], bool):
            values = tuple(_("是") if v else _("否") for v in pair)
        else:
            values = pair
        plain: Any = Person._meta.get_field(name.removesuffix("_masked"))  # the value is still masked
        label = plain.verbose_name
        shown[str(label)] = (values[0], values[1])
    return shown


def _edit_initial(person: Any) -> dict[str, Any]:
    return {
        "version": person.version,
        "seen": signing.dumps(services.person_snapshot(person), salt=_SEEN_SALT),
        "name": person.name,
        "relation": person.relation,
        "education": person.education,
        "labor_ability": person.labor_ability,
        "willing": person.willing,
        "groups": list(person.groups.values_list("group", flat=True)),
        "note": person.note,
    }


@staff_view(Perm.EDIT_BUSINESS_DATA)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    initial = _edit_initial(person)
    form = PersonEditForm(
        request.POST or None,
        initial=initial,
        phone_masked=person.phone_masked,
        sensitive=can_view_sensitive(request.user),
    )
    stale: dict[str, tuple[Any, Any]] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in ("name", "relation", "education", "labor_ability", "willing", "note")}
        if (phone := form.phone_change()) is not None:
            changes["phone"] = phone
        try:
            services.person_update(
                actor=request.user,
                person=person,
                version=data["version"],
                changes=changes,
                groups=data["groups"],
                seen=_seen(data["seen"]),
                effective=data.get("effective"),
            )
        except services.StaleEdit as exc:
            stale = _changes_shown(request.user, exc.changed)
            # The form starts again from the record as it is now; the list shows what changed.
            form = PersonEditForm(
                initial=_edit_initial(exc.current),
                phone_masked=exc.current.phone_masked,
                sensitive=can_view_sensitive(request.user),
            )
            messages.error(request, _("保存失败：在您编辑期间，此记录已被他人修改。请核对下方的变化后重新填写。"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("registry:person_detail", pk=person.pk)
    return _edit_page(request, person, form=form, stale=stale)


def _edit_page(
    request: HttpRequest,
    person: Any,
    *,
    form: PersonEditForm,
    stale: dict[str, tuple[Any, Any]] | None = None,
    id_form: IdCorrectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "registry/person_edit.html",
        {
            "person": person,
            "form": form,
            "stale": stale,
            # The correction is checked against the same version and snapshot as the edit form.
            "id_form": id_form or IdCorrectionForm(initial={k: form.initial[k] for k in ("version", "seen")}),
            "breadcrumb": region_breadcrumb(user=request.user, region=person.region),
        },
        status=status,
    )


@require_POST
@staff_view(Perm.EDIT_BUSINESS_DATA)
def person_correct_id(request: HttpRequest, pk: int) -> HttpResponse:
    """更正公民身份号码 (from the edit page)."""
    person = selectors.person_get(user=request.user, pk=pk)
    form = IdCorrectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.person_correct_id(
                actor=request.user,
                person=person,
                version=data["version"],
                id_number=data["id_number"],
                reason=data["reason"],
                seen=_seen(data["seen"]),
            )
        except services.StaleEdit as exc:
            messages.error(request, _("未更正：在您编辑期间，此记录已被他人修改。请核对下方的变化后重新更正。"))
            current = exc.current
            edit_form = PersonEditForm(
                initial=_edit_initial(current),
                phone_masked=current.phone_masked,
                sensitive=can_view_sensitive(request.user),
            )
            return _edit_page(
                request, current, form=edit_form, stale=_changes_shown(request.user, exc.changed), status=409
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("公民身份号码已更正，性别和出生日期随之更新。"))
            return redirect("registry:person_detail", pk=person.pk)
    edit_form = PersonEditForm(
        initial=_edit_initial(person), phone_masked=person.phone_masked, sensitive=can_view_sensitive(request.user)
    )
    return _edit_page(request, person, form=edit_form, id_form=form, status=422)


@require_POST
@staff_view(Perm.EDIT_BUSINESS_DATA)
def person_status(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        income = data["monthly_income"]
        try:
            services.status_change(
                actor=request.user,
                person=person,
                status=data["status"],
                start=data["start"],
                place=data["place"],
                location=data["location"],
                employer_name=data["employer_name"],
                employer_credit_code=data["employer_credit_code"],
                monthly_income=income,
                verified_at=data["verified_at"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("就业状态已更新。"))
            return redirect("registry:person_detail", pk=person.pk)
    person.refresh_from_db()
    return render(
        request, "registry/person_detail.html", _person_context(request, person, status_form=form), status=422
    )


@require_POST
@staff_view(Perm.EDIT_BUSINESS_DATA)
def person_registration(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    form = RegistrationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.registration_record(
                actor=request.user,
                person=person,
                kind=data["kind"],
                day=data["date"],
                form=data["form"],
                reason=data["reason"],
                end_reason=data["end_reason"],
                employer_name=data["employer_name"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("登记已保存。"))
            return redirect("registry:person_detail", pk=person.pk)
    return render(
        request, "registry/person_detail.html", _person_context(request, person, registration_form=form), status=422
    )


@require_POST
@staff_view(Perm.EDIT_BUSINESS_DATA)
def person_move(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    person = selectors.person_get(user=user, pk=pk)
    form = bind_pickers(MoveForm(request.POST), user)
    if form.is_valid() and (region := _target_village(user, form)) is not None:
        try:
            services.person_move_to(
                actor=user,
                person=person,
                region=region,
                household_number=form.cleaned_data["household"],
                effective=form.cleaned_data.get("effective"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已迁入新的家庭户。"))
            return redirect("registry:person_detail", pk=person.pk)
    return render(request, "registry/person_detail.html", _person_context(request, person, move_form=form), status=422)


def _target_village(user: Any, form: HouseholdTargetForm) -> Region | None:
    """The village a household form names, if the user may change records there (else None and
    the reason on the form's field)."""
    try:
        return services.writable_village(actor=user, code=form.cleaned_data["village"], field="village")
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


@staff_view(Perm.EDIT_BUSINESS_DATA)
def person_create(request: HttpRequest) -> HttpResponse:
    """登记人员: one person found on a village visit, into an existing household or a new one."""
    user: Any = request.user
    initial: dict[str, Any] = {"willing": True}
    household = None
    if "household" in request.GET:
        household = selectors.household_get(user=user, pk=_pk(request.GET["household"]))
        if not can_write(user, household.region_id):
            raise Http404
        initial.update(village=household.region_id, household=household.number)
    elif (prefix := write_prefix(user)) is not None and len(prefix) == 12:
        initial["village"] = prefix  # a village clerk registers in his or her own village
    form = PersonCreateForm(request.POST or None, initial=initial, sensitive=can_view_sensitive(request.user))
    bind_pickers(form, user)
    if request.method == "POST" and form.is_valid() and (region := _target_village(user, form)) is not None:
        data = form.cleaned_data
        income = data["monthly_income"]
        try:
            person = services.person_register(
                actor=user,
                region=region,
                household_number=data["household"],
                data=services.PersonInput(
                    name=data["name"],
                    id_number=data["id_number"],
                    relation=data["relation"],
                    labor_ability=data["labor_ability"],
                    willing=data["willing"],
                    status=data["status"],
                    status_since=data["start"],
                    phone=data["phone"],
                    education=data["education"],
                    groups=tuple(data["groups"]),
                    note=data["note"],
                    place=data["place"],
                    location=data["location"],
                    employer_name=data["employer_name"],
                    employer_credit_code=data["employer_credit_code"],
                    monthly_income=income,
                    verified_at=data["verified_at"],
                    source=Source.FORM,
                ),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s。") % {"name": person.name})
            return redirect("registry:person_detail", pk=person.pk)
    return render(
        request,
        "registry/person_create.html",
        {"form": form, "household": household},
        status=422 if form.errors else 200,
    )


def _pk(value: str) -> int:
    if not value.isdecimal():  # not isdigit: "²" is a digit that int() refuses
        raise Http404
    return int(value)


@require_POST
@staff_view(Perm.EDIT_BUSINESS_DATA)
def person_state(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    form = StateForm(request.POST)
    if form.is_valid():
        try:
            services.person_set_state(
                actor=request.user, person=person, state=form.cleaned_data["state"], on=form.cleaned_data["date"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("在册状态已更新。"))
            return redirect("registry:person_detail", pk=person.pk)
    return render(request, "registry/person_detail.html", _person_context(request, person, state_form=form), status=422)


@require_POST
@staff_view(Perm.REVEAL_PERSONAL_DATA)
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "registry/_reveal.html",
            {"person": person, "reveal_form": form, "field": request.POST.get("field", "")},
            status=422,
        )
    value = services.person_reveal(
        actor=request.user, person=person, field=form.cleaned_data["field"], reason=form.cleaned_data["reason"]
    )
    response = render(request, "registry/_revealed.html", {"value": value})
    response["Cache-Control"] = "no-store"
    return response


def _with_ages(members: Any) -> list[Any]:
    today = timezone.localdate()
    out = list(members)
    for member in out:
        member.age = member.age_on(today)
    return out
