"""python manage.py generate_programs_demo [--seed S] [--as USER] [--units N]

The demo city's programs and money, through the module's services: this year's policy documents,
last year's unemployment-insurance contributions of the demo employers and other insured units,
unemployment-benefit spells of some registered unemployed, this year's allocations into each
county's funds and budgets, and a 免申即享 check of the job-retention refund whose proposals wait
for county review. Stops at once when insurance facts exist.
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
from jiuye.core.masking import mask_id_number
from jiuye.employers.models import Employer
from jiuye.jobs.management.commands.generate_jobs_demo import credit_code
from jiuye.programs import funds, policies, rules, services
from jiuye.programs.models import BenefitFact, Difficulty, InsuranceFact
from jiuye.programs.rules.base import Fund
from jiuye.regions.models import Region
from jiuye.registry.choices import EmploymentStatus
from jiuye.registry.models import Person

# Policy documents of the demo city's year (titles after the seed's 一(三); counts are demo values).
POLICIES = [
    ("关于支持中小企业健康发展的若干政策措施", "sme", 9, ["refund"]),
    ("关于做好农民工返岗复工工作的实施意见", "return_to_work", 6, []),
    ("关于进一步强化稳就业工作的若干举措", "employment", 18, ["hiring", "social_insurance", "public_welfare"]),
    ("关于援企稳岗促进就业的若干措施", "enterprise", 12, ["refund", "skills_upgrade"]),
    ("支持返乡人员创业就业的若干措施", "entrepreneurship", 10, ["startup", "incubation", "loan_interest"]),
]
UNIT_TYPES = ["enterprise"] * 8 + ["social_group", "law_firm", "individual", "public_institution"]


class Command(BaseCommand):
    help = "Generate the demo city's policy documents, insurance facts, funds and a 免申即享 check (development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--as", dest="username", default="city_admin")
        parser.add_argument("--units", type=int, default=300, help="insured units besides the demo employers")

    def handle(self, *args: Any, **options: Any) -> None:
        if InsuranceFact.objects.exists():
            self.stdout.write("insurance facts already present: nothing to do")
            return
        actor = User.objects.filter(username=options["username"]).first()
        if actor is None:
            raise CommandError(f"no user {options['username']}")
        # Not the jobs demo's sequence (the same seed would draw its employers' credit codes again).
        rng = random.Random(options["seed"] * 7 + 18)  # noqa: S311 (demo data, not secrets)
        today = timezone.localdate()
        with transaction.atomic():
            made = self._make(actor, rng, today, options["units"])
        program = rules.get("refund")
        if program is None:
            raise CommandError("the refund program is not registered")
        run = services.proactive_run(actor=actor, program=program, year=today.year - 1, region_code=actor.region_id)
        made["refund proposals"] = run.proposed
        made |= self.people(actor, rng, today)
        self.stdout.write(", ".join(f"{k} {v}" for k, v in made.items()))

    def _make(self, actor: Any, rng: random.Random, today: date, units: int) -> dict[str, int]:
        city = actor.region_id
        counties = list(Region.objects.filter(level="county", is_zone=False).order_by("code"))
        for n, (title, theme, measures, programs) in enumerate(POLICIES):
            policies.save(
                actor=actor,
                data={
                    "title": title,
                    "number": f"市政发〔{today.year}〕{n + 3}号",
                    "issuer": "市人民政府",
                    "issued_on": date(today.year, 2 + n, 10),
                    "level": "city",
                    "theme": theme,
                    "measures": measures,
                    "programs": programs,
                    "note": "",
                    "region": city,
                },
            )
        facts = []
        for employer in Employer.objects.order_by("pk"):
            facts.append(self._fact(rng, employer.credit_code, employer.name, employer.region_id[:6] + "000000", today))
        for i in range(units):
            county = rng.choice(counties)
            facts.append(self._fact(rng, credit_code(rng), f"{county.name[:2]}参保单位{i + 1:03d}", county.code, today))
        InsuranceFact.objects.bulk_create(facts, batch_size=500)
        benefits = []
        unemployed = Person.objects.filter(status=EmploymentStatus.UNEMPLOYED).order_by("pk")[:400]
        for person in unemployed:
            start = today - timedelta(days=rng.randint(30, 500))
            months = rng.randint(3, 12)
            monthly = rng.choice([152_000, 160_000, 168_000])
            benefits.append(
                BenefitFact(
                    person=person,
                    id_hash=person.id_hash,
                    id_masked=person.id_masked or mask_id_number(""),
                    name=person.name,
                    region_code=person.region_id,
                    starts_on=start,
                    ends_on=start + timedelta(days=30 * months),
                    monthly=monthly,
                    paid=monthly * months,
                )
            )
        BenefitFact.objects.bulk_create(benefits, batch_size=500)
        for county in counties:
            for source, yuan in ((Fund.EMPLOYMENT, 20_000_000), (Fund.UNEMPLOYMENT_INSURANCE, 8_000_000)):
                funds.allocate(
                    actor=actor,
                    source=source,
                    county=county.code,
                    year=today.year,
                    amount=yuan * 100,
                    memo="年度资金拨入（演示）",
                )
            for code, yuan in (("refund", 3_000_000), ("hiring", 1_500_000), ("startup", 1_000_000)):
                funds.budget_set(actor=actor, year=today.year, county=county.code, program=code, amount=yuan * 100)
        return {"policy documents": len(POLICIES), "insurance facts": len(facts), "benefit spells": len(benefits)}

    def people(self, actor: Any, rng: random.Random, today: date) -> dict[str, int]:
        """In 紫阳县: public-welfare posts with placements, 认定 applications waiting for the
        county's second officer, and guaranteed-loan applications waiting for review."""
        from jiuye.programs import assistance, loans, posts
        from jiuye.registry.models import PersonGroup

        county = "610924"
        villages = list(Region.objects.filter(level="village", code__startswith=county).order_by("code")[:4])
        placed = posts_made = 0
        for n, village in enumerate(villages):
            post = posts.post_save(
                actor=actor,
                data=posts.PostInput(
                    name=["村道保洁员", "护林员", "河道管护员", "公共设施维护员"][n % 4],
                    kind="rural",
                    region=village.code,
                    monthly_subsidy=80_000,
                    places=3,
                    duties="按村里安排每周工作不少于 20 小时",
                ),
            )
            posts_made += 1
            nearby = Person.objects.filter(
                region__code__startswith=village.code[:9],
                groups__group__in=["poverty_alleviated", "hard_to_employ"],
                status=EmploymentStatus.UNEMPLOYED,
                birth_date__gt=date(today.year - 59, 1, 1),
            ).distinct()[:2]
            for person in nearby:
                try:
                    posts.place(
                        actor=actor, post=post, person=person, starts_on=today - timedelta(days=rng.randint(40, 300))
                    )
                    placed += 1
                except ValidationError:
                    continue
        pending = 0
        taken = set(PersonGroup.objects.filter(group="hard_to_employ").values_list("person_id", flat=True))
        taken |= set(Difficulty.objects.values_list("person_id", flat=True))
        for person in Person.objects.filter(
            region__code__startswith=county, status=EmploymentStatus.UNEMPLOYED
        ).exclude(pk__in=taken)[:6]:
            assistance.register(
                actor=actor,
                person=person,
                data=assistance.DifficultyInput(
                    ("long_unemployed",), today - timedelta(days=3), "失业登记满一年，经社区入户核实"
                ),
            )
            pending += 1
        applied = 0
        for person in Person.objects.filter(
            region__code__startswith=county, groups__group="returned_migrant"
        ).distinct()[:3]:
            try:
                loans.apply(
                    actor=actor,
                    data=loans.LoanInput(
                        kind="individual",
                        business="返乡创业农家乐",
                        amount=rng.choice([5, 10, 15]) * 1_000_000,
                        term_months=24,
                        person=person,
                    ),
                )
                applied += 1
            except ValidationError:
                continue
        return {"posts": posts_made, "placements": placed, "认定 applications": pending, "loan applications": applied}

    def _fact(self, rng: random.Random, code: str, name: str, county: str, today: date) -> InsuranceFact:
        insured = rng.choice([8, 15, 25, 40, 60, 120, 320])
        layoffs = 0 if rng.randrange(10) < 7 else rng.randint(1, max(1, insured // 8))
        return InsuranceFact(
            credit_code=code,
            name=name[:200],
            unit_type=rng.choice(UNIT_TYPES),
            region_code=county,
            year=today.year - 1,
            months_paid=12 if rng.randrange(10) < 9 else rng.randint(6, 11),
            premiums=insured * rng.randint(80_000, 120_000),  # 800–1,200 元 a head a year
            avg_insured=insured,
            layoffs=layoffs,
            bank_account=""
            if rng.randrange(10) < 2
            else "62170" + "".join(rng.choice("0123456789") for _ in range(14)),
        )
