"""python manage.py generate_jobs_demo [--seed S] [--as USER]

The demo city's employers and jobs, made through the modules' services (so every rule and audit
applies): enterprises and 新社区工厂 with their monthly reports, HR service organisations, this
year's new market entities, postings in every county, a recruitment event, seekers' intentions,
referrals (a few hired, which the registry records) and 见习. Stops at once when employers exist.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.core.credit_code import CHARSET, check_character
from jiuye.employers import services as employer_services
from jiuye.employers.choices import EmployerKind, EntityKind, FactoryCategory, OrgKind, ServiceKind, SizeClass
from jiuye.employers.models import Employer, MarketEntity
from jiuye.indicators.snapshot import add_months, month_start
from jiuye.jobs import services
from jiuye.jobs.choices import EventKind, Stage
from jiuye.regions.models import Region
from jiuye.registry.choices import EmploymentStatus, KeyGroup
from jiuye.registry.models import Person

# (title, 中类, skills, certificate, wage range in 元)
JOBS = [
    ("缝纫工", "6-05", "缝纫、锁边", "", (2800, 4500)),
    ("毛绒玩具车缝工", "6-09", "缝纫", "", (2600, 4200)),
    ("电子线束装配工", "6-25", "线束装配、压接", "", (3000, 4800)),
    ("袜子定型工", "6-04", "定型、包装", "", (2500, 3800)),
    ("中式烹调师", "4-03", "烹饪、切配", "中式烹调师证", (3500, 6000)),
    ("保洁员", "4-09", "保洁", "", (2200, 3000)),
    ("育婴员", "4-10", "育婴、家政", "育婴员证", (3500, 5500)),
    ("砌筑工", "6-29", "砌筑、抹灰", "", (4500, 7500)),
    ("电工", "6-28", "电工、布线", "电工证", (4500, 7000)),
    ("货车司机", "4-02", "驾驶、装卸", "B2驾驶证", (5000, 8000)),
    ("快递分拣员", "4-02", "分拣、扫码", "", (3000, 4500)),
    ("茶叶加工工", "6-02", "制茶", "", (2800, 4200)),
    ("电商客服", "4-04", "电脑操作、客服", "", (3000, 4500)),
    ("收银员", "4-01", "收银、电脑操作", "", (2400, 3200)),
    ("护理员", "4-14", "护理、照护", "", (3200, 5000)),
]
FIRMS = [
    "安康{}服饰有限公司",
    "{}毛绒玩具厂",
    "{}电子科技有限公司",
    "{}茶业合作社",
    "{}建筑劳务有限公司",
    "{}家政服务有限公司",
    "{}物流有限公司",
    "{}餐饮有限公司",
]
FACTORY_NAMES = {
    FactoryCategory.PLUSH_TOYS: "{}毛绒玩具社区工厂",
    FactoryCategory.WIRE_HARNESS: "{}电子线束社区工厂",
    FactoryCategory.GARMENTS: "{}服饰社区工厂",
    FactoryCategory.OTHER: "{}茶叶加工社区工厂",
}
PLACE_WORDS = ["汉江", "瀛湖", "香溪", "凤凰", "双龙", "秦巴", "紫阳", "岚河", "恒口", "月河", "牛山", "南宫"]


def credit_code(rng: random.Random) -> str:
    first17 = "91610900" + "".join(rng.choice(CHARSET) for _ in range(9))
    return first17 + check_character(first17)


class Command(BaseCommand):
    help = "Generate the demo city's employers, postings, events and referrals (development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--as", dest="username", default="city_admin")
        parser.add_argument("--postings", type=int, default=240)

    def handle(self, *args: Any, **options: Any) -> None:
        if Employer.objects.exists():
            self.stdout.write("employers already present: nothing to do")
            return
        actor = User.objects.filter(username=options["username"]).first()
        if actor is None:
            raise CommandError(f"no user {options['username']}")
        rng = random.Random(options["seed"])  # noqa: S311 (demo data, not secrets)
        today = timezone.localdate()
        counties = list(Region.objects.filter(level="county", is_zone=False).order_by("code"))
        with transaction.atomic():
            made = self._make(actor, rng, today, counties, options["postings"])
        self.stdout.write(", ".join(f"{k} {v}" for k, v in made.items()))

    def _make(
        self, actor: Any, rng: random.Random, today: date, counties: list[Region], n_postings: int
    ) -> dict[str, int]:
        made = dict.fromkeys(
            ("employers", "factories", "reports", "orgs", "entities", "postings", "referrals", "hired", "interns"), 0
        )
        employers: list[Employer] = []
        for county in counties:
            towns = list(Region.objects.filter(parent=county, level="town").order_by("code")[:6])
            for n, town in enumerate(towns):
                villages = list(Region.objects.filter(parent=town).order_by("code")[:5])
                kind = EmployerKind.COMMUNITY_FACTORY if n % 3 == 0 else EmployerKind.ENTERPRISE
                word = rng.choice(PLACE_WORDS)
                category = rng.choice(list(FactoryCategory.values)) if kind == EmployerKind.COMMUNITY_FACTORY else ""
                firm = (FACTORY_NAMES[FactoryCategory(category)] if category else rng.choice(FIRMS)).format(
                    town.name[:2] + word
                )
                data = employer_services.EmployerInput(
                    credit_code=credit_code(rng),
                    name=firm,
                    kind=kind,
                    region=town.code,
                    industry=rng.choice(["18", "24", "39", "15", "47", "80", "54", "62"]),
                    size=rng.choice([SizeClass.SMALL, SizeClass.MICRO, SizeClass.MEDIUM]),
                    address=f"{town.name}{word}路{rng.randint(1, 200)}号",
                    contact_name="",
                    factory_category=category,
                    relocation_site=f"{town.name}安置社区" if kind == EmployerKind.COMMUNITY_FACTORY else "",
                    certified_on=date(today.year - 1, rng.randint(1, 12), 1)
                    if kind == EmployerKind.COMMUNITY_FACTORY
                    else None,
                    internship_base=n == 1,
                )
                employer = employer_services.employer_save(actor=actor, data=data)
                employers.append(employer)
                made["employers"] += 1
                if employer.is_factory:
                    made["factories"] += 1
                    # Reports up to the month before last: last month's is due by the 10th, so a
                    # few factories show up late on the home page.
                    last = -1 if rng.random() < 0.8 else -2
                    for back in range(11, -last - 1, -1):
                        month = add_months(month_start(today), -back - 1)
                        jobs = rng.randint(20, 90)
                        employer_services.factory_report_save(
                            actor=actor,
                            employer=employer,
                            data=employer_services.ReportInput(
                                month=month,
                                jobs=jobs,
                                relocated=rng.randint(jobs // 3, jobs * 2 // 3),
                                poverty_alleviated=rng.randint(jobs // 5, jobs // 2),
                                output_value=rng.randint(300_000, 1_500_000) * 100,
                                wages_paid=jobs * rng.randint(2400, 3600) * 100,
                            ),
                        )
                        made["reports"] += 1
                if n == 0:
                    org = employer_services.org_save(
                        actor=actor,
                        data=employer_services.OrgInput(
                            kind=OrgKind.VILLAGE_LABOUR_COMPANY,
                            name=f"{town.name}劳务服务有限公司",
                            region=town.code,
                            credit_code=credit_code(rng),
                            villages=tuple(v.code for v in villages),
                        ),
                    )
                    employer_services.org_save(
                        actor=actor,
                        data=employer_services.OrgInput(
                            kind=OrgKind.SITE_WINDOW,
                            name=f"{town.name}安置社区就业服务窗口",
                            region=town.code,
                            relocation_site=f"{town.name}安置社区",
                        ),
                    )
                    employer_services.service_record_save(
                        actor=actor,
                        org=org,
                        month=add_months(month_start(today), -1),
                        kind=ServiceKind.PLACEMENT,
                        persons=rng.randint(5, 40),
                    )
                    made["orgs"] += 2
            employer_services.org_save(
                actor=actor,
                data=employer_services.OrgInput(
                    kind=OrgKind.SERVICE_CENTRE, name=f"{county.name}人力资源服务中心", region=county.code
                ),
            )
            made["orgs"] += 1
            for _ in range(rng.randint(20, 40)):
                day = date(today.year, rng.randint(1, today.month), 1) + timedelta(days=rng.randint(0, 27))
                MarketEntity.objects.create(
                    credit_code=credit_code(rng),
                    name=rng.choice(FIRMS).format(county.name[:2] + rng.choice(PLACE_WORDS)),
                    kind=rng.choice(list(EntityKind.values)),
                    registered_on=min(day, today),
                    region_code=county.code,
                    capital=rng.randint(1, 500) * 1_000_000,
                    declared_employees=rng.randint(1, 30),
                )
                made["entities"] += 1
        employer_services.org_save(
            actor=actor,
            data=employer_services.OrgInput(
                kind=OrgKind.INDUSTRIAL_PARK, name="安康市人力资源服务产业园", region=counties[0].code
            ),
        )
        made["orgs"] += 1
        postings = []
        for i in range(n_postings):
            employer = employers[i % len(employers)]
            title, occupation, skills, certificate, (low, high) = rng.choice(JOBS)
            postings.append(
                services.posting_save(
                    actor=actor,
                    data=services.PostingInput(
                        employer=employer.pk,
                        title=title,
                        occupation=occupation,
                        headcount=rng.randint(1, 20),
                        wage_min=low * 100,
                        wage_max=high * 100,
                        valid_from=today - timedelta(days=rng.randint(0, 60)),
                        valid_until=today + timedelta(days=rng.randint(20, 120)),
                        min_age=rng.choice([None, 18]),
                        max_age=rng.choice([None, 45, 55, 60]),
                        skills=skills,
                        certificate=certificate if rng.random() < 0.5 else "",
                        work_time="part" if rng.random() < 0.15 else "full",
                    ),
                )
            )
            made["postings"] += 1
        # One 春风行动 per county, offering that county's postings.
        for county in counties:
            event = services.event_save(
                actor=actor,
                data=services.EventInput(
                    name=f"{today.year}年{county.name}春风行动专场招聘会",
                    kind=EventKind.SPRING_BREEZE,
                    start=date(today.year, 3, 1),
                    end=date(today.year, 3, 3),
                    region=county.code,
                    place=f"{county.name}人力资源市场",
                    attendees=rng.randint(800, 3000),
                ),
            )
            for posting in [p for p in postings if p.region_id.startswith(county.code[:6])][:20]:
                services.event_add_posting(actor=actor, event=event, posting=posting)
            # And next week's 民营企业招聘月 day, whose lists the officer can prepare now.
            upcoming = services.event_save(
                actor=actor,
                data=services.EventInput(
                    name=f"{county.name}民营企业招聘月专场",
                    kind=EventKind.PRIVATE_MONTH,
                    start=today + timedelta(days=7),
                    end=today + timedelta(days=7),
                    region=county.code,
                    place=f"{county.name}人力资源市场",
                ),
            )
            for posting in [p for p in postings if p.region_id.startswith(county.code[:6])][20:35]:
                services.event_add_posting(actor=actor, event=upcoming, posting=posting)
        # Seekers: unemployed, able and willing members; a few referred, some hired.
        seekers = list(
            Person.objects.filter(status=EmploymentStatus.UNEMPLOYED, willing=True, state="active")
            .exclude(labor_ability__in=["lost", "none"])
            .order_by("id")[:400]
        )
        for person in seekers:
            _title, occupation, skills, _cert, (low, _high) = rng.choice(JOBS)
            services.seeker_save(
                actor=actor,
                person=person,
                occupations_wished=[occupation],
                wage_floor=(low - 200) * 100,
                skills=skills.split("、")[0],
            )
        from jiuye.jobs import selectors

        for person in seekers[:60]:
            found = selectors.recommendations(person, k=3, day=today)
            if not found:
                continue
            posting, _match = found[0]
            referred = max(posting.valid_from, today - timedelta(days=10))
            referral = services.referral_create(actor=actor, person=person, posting=posting, day=referred)
            made["referrals"] += 1
            if rng.random() < 0.5:
                services.referral_advance(actor=actor, referral=referral, stage=Stage.INTERVIEW, day=referred)
                if rng.random() < 0.5:
                    services.referral_advance(
                        actor=actor, referral=referral, stage=Stage.HIRED, day=today, monthly_income=350_000
                    )
                    made["hired"] += 1
        bases = [e for e in employers if e.internship_base][:5]
        graduates = list(Person.objects.filter(groups__group=KeyGroup.GRADUATE, state="active").order_by("id")[:10])
        for n, employer in enumerate(bases):
            post = services.internship_post_save(
                actor=actor, employer=employer, title="见习文员", slots=3, stipend=180_000, months=6, occupation="3-01"
            )
            for person in graduates[n * 2 : n * 2 + 2]:
                try:
                    services.internship_start(actor=actor, person=person, post=post, start=today - timedelta(days=30))
                    made["interns"] += 1
                except ValidationError:  # not eligible (no longer young, already on a 见习): skipped
                    continue
        return made
