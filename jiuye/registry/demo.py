"""A deterministic synthetic registry for the real regions, written in the import template.

Shares are plausible for a mountainous county of southern Shaanxi (many migrant workers
outside the province, an older rural population); they are not statistics of 安康市.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from jiuye.registry import idcard
from jiuye.registry.importing.registrations import COLUMNS as REGISTRATION_COLUMNS
from jiuye.registry.importing.schema import COLUMNS

HEADERS = [c.header for c in COLUMNS]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏建红辉林春梅宁波斌宇浩凯健俊帆帅旭亮成飞文晨阳欣怡雪梦琳佳慧子涵"
EMPLOYERS = [
    "安康市富硒茶业有限公司",
    "紫阳县新社区工厂",
    "陕西某电子科技有限公司",
    "汉阴县毛绒玩具厂",
    "建筑工地",
    "物流配送站",
]
PLACES_OUT = ["广东省东莞市", "浙江省宁波市", "江苏省苏州市", "福建省厦门市", "上海市", "北京市"]
PLACES_IN = ["西安市", "汉中市", "商洛市", "宝鸡市"]

# Status of a working-age person with ability, by weight.
_STATUS_WEIGHTS = [
    ("县内务工", 22),
    ("省内县外务工", 14),
    ("省外务工", 30),
    ("自主创业", 4),
    ("灵活就业", 7),
    ("公益性岗位", 2),
    ("务农", 11),
    ("未就业", 10),
]


@dataclass(frozen=True)
class Village:
    code: str
    urban: bool
    name: str = ""


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def _name(rng: random.Random, surname: str) -> str:
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def generate(villages: list[Village], *, persons: int, seed: int, as_of: date) -> Iterator[dict[str, str]]:
    """Rows of the labour-force ledger, about ``persons`` of them, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 (synthetic demo data, not security)
    used: set[str] = set()
    produced = 0
    household_no = 0
    while produced < persons:
        village = villages[rng.randrange(len(villages))]
        household_no += 1
        size = min(rng.choices([1, 2, 3, 4, 5, 6], weights=[8, 20, 26, 24, 14, 8])[0], persons - produced)
        relocated = not village.urban and rng.random() < 0.12
        poor = not village.urban and rng.random() < 0.28
        monitored = poor and rng.random() < 0.1
        surname = rng.choice(SURNAMES)
        head_age = rng.randint(26, 72)
        members = [("户主", head_age, rng.random() < 0.72)]
        if size >= 2:
            members.append(("配偶", max(18, head_age + rng.randint(-5, 4)), not members[0][2]))
        for _ in range(size - len(members)):
            if head_age > 50 and rng.random() < 0.3:
                members.append(("孙子女", rng.randint(0, 16), rng.random() < 0.5))
            elif head_age < 50 and rng.random() < 0.2:
                members.append(("父母", head_age + rng.randint(22, 32), rng.random() < 0.5))
            elif head_age >= 22:
                members.append(("子女", max(0, head_age - rng.randint(22, 36)), rng.random() < 0.5))
            else:
                members.append(("兄弟姐妹", head_age + rng.randint(-4, 4), rng.random() < 0.5))
        for relation, age, male in members:
            birth = as_of - timedelta(days=age * 365 + rng.randint(0, 364))
            number = ""
            while not number or number in used:
                number = idcard.make(village.code[:6], birth, rng.randrange(0, 500) * 2 + (1 if male else 0))
            used.add(number)
            yield _person_row(
                rng,
                village,
                household_no,
                relation,
                age,
                number,
                surname if relation in ("户主", "子女", "孙子女") else rng.choice(SURNAMES),
                poor,
                monitored,
                relocated,
                as_of,
            )
            produced += 1


def _person_row(
    rng: random.Random,
    village: Village,
    household_no: int,
    relation: str,
    age: int,
    number: str,
    surname: str,
    poor: bool,
    monitored: bool,
    relocated: bool,
    as_of: date,
) -> dict[str, str]:
    if age < 16:
        ability, willing, status = "无劳动力", "否", "在校学生" if age >= 6 else "退休或其他"
    elif age > 65:
        ability = rng.choices(["弱劳动力或半劳动力", "丧失劳动力", "无劳动力"], weights=[3, 3, 4])[0]
        willing = "是" if ability == "弱劳动力或半劳动力" and rng.random() < 0.3 else "否"
        status = "务农" if willing == "是" and rng.random() < 0.6 else "退休或其他"
    elif age <= 22 and rng.random() < 0.55:
        ability, willing, status = "普通劳动力", "否", "在校学生"
    else:
        ability = rng.choices(["技能劳动力", "普通劳动力", "弱劳动力或半劳动力", "丧失劳动力"], weights=[18, 70, 8, 4])[
            0
        ]
        willing = "是" if ability != "丧失劳动力" and rng.random() < 0.9 else "否"
        status = _pick(rng, _STATUS_WEIGHTS) if willing == "是" else rng.choice(["务农", "退休或其他"])
    education = rng.choices(
        ["小学及以下", "初中", "高中", "中专/中技", "大专", "本科", "研究生"], weights=[22, 38, 14, 10, 8, 7, 1]
    )[0]
    groups = []
    if poor:
        groups.append("监测对象" if monitored else "脱贫人口")
    if relocated:
        groups.append("易地搬迁")
    if 21 <= age <= 26 and education in ("大专", "本科", "研究生") and rng.random() < 0.5:
        groups.append("高校毕业生")
    if 16 <= age <= 60 and status == "未就业" and rng.random() < 0.25:
        groups.append("就业困难人员")
    if 20 <= age <= 55 and status in ("县内务工", "自主创业", "务农", "未就业") and rng.random() < 0.12:
        groups.append("返乡农民工")
    if rng.random() < 0.02:
        groups.append("残疾人")
    if 25 <= age <= 60 and rng.random() < 0.015:
        groups.append("退役军人")
    employed = status in ("县内务工", "省内县外务工", "省外务工", "自主创业", "灵活就业", "公益性岗位")
    start = as_of - timedelta(days=rng.randint(0, 720)) if employed or status == "未就业" else None
    location = ""
    if status == "省外务工":
        location = rng.choice(PLACES_OUT)
    elif status == "省内县外务工":
        location = rng.choice(PLACES_IN)
    return {
        "村(社区)代码": village.code,
        "户编号": f"{household_no:06d}",
        "姓名": _name(rng, surname),
        "公民身份号码": number,
        "与户主关系": relation,
        "劳动能力": ability,
        "就业意愿": willing,
        "就业状态": status,
        "联系电话": f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"
        if age >= 16 and rng.random() < 0.75
        else "",
        "文化程度": education if age >= 16 else "",
        "人员类别": "、".join(groups),
        "就业单位": rng.choice(EMPLOYERS) if status in ("县内务工", "公益性岗位") else "",
        "就业地点": location,
        "月收入(元)": str(rng.randint(20, 90) * 100) if employed else "",
        "就业开始日期": start.isoformat() if start else "",
        # On the head's row only: the template asks for it once per household.
        "易地搬迁安置点": f"{village.name or village.code}集中安置点" if relocated and relation == "户主" else "",
    }


def write_csv(
    rows: Iterable[dict[str, str]],
    path: Path,
    *,
    headers: list[str] | None = None,
    keep: Callable[[dict[str, str]], None] | None = None,
) -> int:
    """Write template rows as CSV (the ledger's headers unless others are given); ``keep`` sees
    each row as it is written (to make the registrations of the same persons)."""
    headers = headers or HEADERS
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row.get(h, "") for h in headers])
            if keep is not None:
                keep(row)
            count += 1
    return count


# --- registrations (就业失业登记) of the generated persons ------------------------------------------

REGISTRATION_HEADERS = [c.header for c in REGISTRATION_COLUMNS]
_FORMS = {"自主创业": "自主创业", "灵活就业": "灵活就业", "公益性岗位": "公益性岗位"}
_EMPLOYED = {"县内务工", "省内县外务工", "省外务工", "自主创业", "灵活就业", "公益性岗位"}


@dataclass(frozen=True)
class Registrant:
    """What the registrations need of a generated person."""

    number: str
    village: str
    status: str
    start: date | None


def registrant(row: dict[str, str]) -> Registrant:
    start = row.get("就业开始日期", "")
    return Registrant(
        row["公民身份号码"], row["村(社区)代码"], row["就业状态"], date.fromisoformat(start) if start else None
    )


def registrations(people: Iterable[Registrant], *, seed: int, as_of: date) -> Iterator[dict[str, str]]:
    """就业登记, 失业登记 and their 注销 for the generated persons, in the registrations template,
    consistent with their status: the employed registered when their job began, the unemployed
    when they became so; some unemployment registrations ended (注销), some by a new job (就业登记)."""
    rng = random.Random(seed)  # noqa: S311 (synthetic demo data, not security)
    for person in people:
        if person.start is None:
            continue
        base = {"公民身份号码": person.number, "村(社区)代码": person.village}
        if person.status in _EMPLOYED and rng.random() < 0.6:
            form = _FORMS.get(person.status, "单位就业")
            employer = rng.choice(EMPLOYERS) if form == "单位就业" else ""
            yield {
                **base,
                "登记类型": "就业登记",
                "登记日期": person.start.isoformat(),
                "就业形式": form,
                "就业单位": employer,
            }
        elif person.status == "未就业" and rng.random() < 0.5:
            reason = rng.choice(["解除或终止劳动合同", "个体经营终止", "毕业未就业", "其他"])
            yield {**base, "登记类型": "失业登记", "登记日期": person.start.isoformat(), "失业原因": reason}
            later = min(as_of, person.start + timedelta(days=rng.randint(20, 300)))
            chance = rng.random()
            if chance < 0.15:
                yield {**base, "登记类型": "失业登记注销", "登记日期": later.isoformat(), "注销原因": "其他"}
            elif chance < 0.25:  # a job found: the 就业登记 ends the 失业登记
                yield {**base, "登记类型": "就业登记", "登记日期": later.isoformat(), "就业形式": "灵活就业"}


def expected_registration_figures(
    rows: Iterable[dict[str, str]], urban: dict[str, bool], day: date
) -> dict[str, dict[str, int]]:
    """An independent count, from the generated rows alone, of what the statistics must show on
    ``day`` per county: 城镇新增就业 (persons with a 就业登记 this year at an urban village, counted
    once, where first registered) and 登记失业人数 (失业登记 at an urban village still open on
    ``day``: not ended by a 注销 or a 就业登记 on or before it)."""
    first_job: dict[str, tuple[date, str]] = {}
    unemployment: dict[str, tuple[date, str]] = {}  # person → (since, village) of the open one
    open_on_day: dict[str, str] = {}
    acts = sorted(
        (date.fromisoformat(r["登记日期"]), n, r) for n, r in enumerate(rows)
    )  # in date order, file order on the same day
    for when, _n, r in acts:
        if when > day:
            break
        person, kind = r["公民身份号码"], r["登记类型"]
        if kind == "就业登记":
            if when.year == day.year and urban.get(r["村(社区)代码"], False) and person not in first_job:
                first_job[person] = (when, r["村(社区)代码"])
            if person in unemployment and unemployment[person][0] <= when:
                del unemployment[person]
        elif kind == "失业登记":
            unemployment[person] = (when, r["村(社区)代码"])
        elif kind == "失业登记注销":
            unemployment.pop(person, None)
    open_on_day = {person: village for person, (_since, village) in unemployment.items()}
    figures: dict[str, dict[str, int]] = {}

    def add(village: str, indicator: str) -> None:
        county = village[:6] + "000000"
        figures.setdefault(county, {"urban_new_employment": 0, "registered_unemployed": 0})[indicator] += 1

    for _when, village in first_job.values():
        add(village, "urban_new_employment")
    for village in open_on_day.values():
        if urban.get(village, False):
            add(village, "registered_unemployed")
    return figures
