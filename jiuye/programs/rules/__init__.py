"""The programs' catalogue: each program is a pure rule module (``rules/*.py``) registered here
by code. Another module may register its own program the same way (``register``)."""

from __future__ import annotations

from jiuye.programs.rules.base import Program

_PROGRAMS: dict[str, Program] = {}


def register(program: Program) -> Program:
    if program.code in _PROGRAMS and _PROGRAMS[program.code] is not program:
        raise ValueError(f"program {program.code} registered twice")
    if program.period == "event" and not program.event_fields:
        raise ValueError(f"program {program.code}: an event period needs the facts that name the event")
    _PROGRAMS[program.code] = program
    return program


def get(code: str) -> Program | None:
    return _PROGRAMS.get(code)


def all_programs() -> list[Program]:
    return sorted(_PROGRAMS.values(), key=lambda p: (p.order, p.code))


def choices() -> list[tuple[str, str]]:
    return [(p.code, str(p.name)) for p in all_programs()]


def register_shipped() -> None:
    """The programs the platform ships (called by the app's ``ready``)."""
    from jiuye.programs.rules import applied, hiring, loans, refund, startup

    for program in (
        refund.PROGRAM,
        hiring.PROGRAM,
        applied.SOCIAL_INSURANCE,
        applied.PUBLIC_WELFARE,
        startup.PROGRAM,
        applied.INCUBATION,
        applied.TRAINING,
        applied.SKILLS_UPGRADE,
        loans.LOAN_INTEREST,
    ):
        register(program)
