"""Generate the shipped example registry and roster for 晋城市城区 (docs/example-data.md).

    python tools/gen_example_data.py            # data/registry.csv, data/roster.csv (30,000 subjects)
    python tools/gen_example_data.py --subjects 1000000 --out /tmp/big   # a benchmark registry

Deterministic: one `random.Random` with a fixed seed, no wall clock, no dict-order dependence, so running
it again gives byte-identical files (a test checks the committed files against it). The data are
realistic but invented: valid 统一社会信用代码 of 晋城市城区 (division 140502) with correct GB 11714 and
GB 32100 check characters, Chinese names, 城区 streets, and the 行业类别 tags of every task of the 2024 plan
in the counts the documentation states, with deliberate overlaps so that 进一次门、查多项 merges happen.

Files are UTF-8 with BOM and CRLF line ends — what Excel on Chinese Windows opens without garbling.
With --subjects N every task population is scaled by N / 30,000 (at least one subject each).
Above 200,000 subjects (bench/draw.py's 10^6 and 10^7) the registry is written as it is generated, a
block of 100,000 subjects at a time, each block drawn like a registry of its own (its own seeded stream,
ids unique across blocks by a serial in the organisation code), so memory does not grow with N; the
roster grows with the registry (every department's inspectors × ⌈N / 30,000⌉) so that it can staff the
visits. `--parquet` also writes registry.parquet (through DuckDB).
"""

from __future__ import annotations

import argparse
import csv
import io
import operator
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ssjlang.interpret.uscc import ALPHABET, uscc_check_char

SEED = 20240301
DEFAULT_SUBJECTS = 30_000
DIVISION = "140502"  # 晋城市城区
MEDICARE_CENTRE = "晋城市医疗保险事务中心"

REGISTRY_HEADER = ("统一社会信用代码", "名称", "类型", "法定代表人", "注册资本（万元）", "成立日期", "地址",
                   "所属区域", "联系电话", "行业类别", "从业人数", "风险等级")
ROSTER_HEADER = ("执法证号", "姓名", "部门", "执法资格", "专长", "回避对象", "不可用日期")

# ---------------------------------------------------------------- vocabulary

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋"
            "蔡余杜叶程苏魏吕丁任沈姚卢"
            "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔常原申牛靳卫"
            "毕裴晋栗焦郜")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志宏斌飞俊峰亮鑫慧晶佳瑞欣宇浩晨"
         "晓东海波丹婷雪梅云龙文博晋阳泽鹤翔")
TRADE_CHARS = ("鑫泰恒华宏源晋兴盛达通联众诚信德瑞祥福安康佳美丰隆昌嘉豪腾远旺发金银凤泽太行丹河沁珏"
               "汇聚广新阳光百顺合力天宇润博创")
STREETS = (
    ("泽州路", ("东街街道", "南街街道", "钟家庄街道")), ("凤台东街", ("东街街道", "北街街道")),
    ("凤台西街", ("西街街道", "北街街道")), ("黄华街", ("南街街道", "西街街道")),
    ("红星东街", ("东街街道", "矿区街道")), ("红星西街", ("西街街道", "西上庄街道")),
    ("书院街", ("北街街道", "东街街道")), ("文昌东街", ("东街街道", "钟家庄街道")),
    ("文昌西街", ("西街街道",)), ("新市东街", ("北街街道", "东街街道")),
    ("新市西街", ("西街街道", "北街街道")),
    ("太行路", ("矿区街道", "北石店镇")), ("中原街", ("南街街道",)), ("景西路", ("西上庄街道", "西街街道")),
    ("建设路", ("南街街道", "钟家庄街道")), ("兰花路", ("钟家庄街道", "北石店镇")),
    ("白水街", ("矿区街道",)), ("北石店大街", ("北石店镇",)), ("西上庄大街", ("西上庄街道",)),
    ("瑞丰路", ("钟家庄街道",)), ("前进路", ("北街街道",)), ("晓庄街", ("矿区街道", "北石店镇")),
)
AREAS = ("东街街道", "西街街道", "南街街道", "北街街道", "矿区街道", "钟家庄街道", "西上庄街道", "北石店镇")
COMMUNITIES = ("晓庄", "凤鸣", "西后河", "东后河", "梨园", "七岭", "白水", "景西", "青年", "颐翠", "古书院",
               "西谢匠",
               "东谢匠", "苗匠", "司徒", "钟家庄", "岗头", "北石店", "西上庄", "寺底")
ORDINARY_INDUSTRIES = (
    ("零售业", ("商贸有限公司", "商行", "超市", "便利店", "日用品店", "五金店", "服装店", "水果店")),
    ("餐饮业", ("餐饮管理有限公司", "饭店", "小吃店", "面馆", "火锅店", "烧烤店")),
    ("居民服务业", ("家政服务有限公司", "理发店", "洗衣店", "摄影店", "维修部")),
    ("批发业", ("商贸有限公司", "贸易有限公司", "批发部")),
    ("住宿业", ("宾馆", "酒店管理有限公司", "快捷酒店")),
    ("租赁和商务服务业", ("商务咨询有限公司", "广告传媒有限公司", "企业管理咨询有限公司")),
    ("信息技术服务业", ("网络科技有限公司", "信息技术有限公司", "电子科技有限公司")),
    ("制造业", ("机械制造有限公司", "食品有限公司", "铸造有限公司", "新材料科技有限公司")),
    ("建筑装饰业", ("装饰工程有限公司", "装修部")),
    ("农业", ("农业开发有限公司", "种植专业合作社", "养殖专业合作社")),
)
COMPANY_TYPES = ("有限责任公司（自然人投资或控股）", "有限责任公司（自然人独资）",
                 "有限责任公司（非自然人投资或控股的法人独资）")
SOLE_TYPES = ("个人独资企业", "普通合伙企业")

# ---------------------------------------------------------------- subjects


@dataclass
class Spec:
    """A group of generated subjects: how many, their tags, and how they look."""

    count: int
    tags: tuple[str, ...]
    kind: str  # key into the name builders below
    # 登记管理部门码 + 机构类别码: 91 企业, 92 个体工商户, 12 事业单位, 52 民办非企业, 11 机关…
    org: str = "91"
    big: int = 0  # how many of them have 注册资本 >= 3000 万元 (task 27)


def task_groups(scale: float) -> list[Spec]:
    """The tagged groups of docs/example-data.md; counts at scale 1 match the table exactly."""

    def n(count: int) -> int:
        return max(1, round(count * scale))

    return [
        Spec(n(55), ("学校", "中小学校", "学校食堂"), "school", "12"),
        Spec(n(5), ("学校", "中小学校"), "school", "52"),
        Spec(n(35), ("学校", "营利性民办幼儿园", "学校食堂"), "kindergarten"),
        Spec(n(10), ("学校", "营利性民办幼儿园"), "kindergarten"),
        Spec(n(12), ("社区卫生服务中心",), "clinic", "12"),
        Spec(n(110), ("汽车销售",), "car", big=n(10)),
        Spec(n(55), ("汽车销售", "机动车维修"), "car"),
        Spec(n(10), ("汽车销售", "二手车销售"), "car"),
        Spec(n(5), ("汽车销售", "二手车销售", "机动车维修"), "car"),
        Spec(n(25), ("二手车销售",), "usedcar"),
        Spec(n(200), ("机动车维修",), "repair"),
        Spec(n(110), ("单用途预付卡发卡企业",), "prepaid"),
        Spec(n(40), ("卷烟零售", "单用途预付卡发卡企业"), "supermarket"),
        Spec(n(1160), ("卷烟零售",), "tobacco", "92"),
        Spec(n(190), ("建设工程项目",), "construction", big=n(35)),
        Spec(n(30), ("建设工程项目", "统计在库单位"), "construction"),
        Spec(n(35), ("劳务派遣",), "labour"),
        Spec(n(40), ("人防工程使用单位",), "shelter"),
        Spec(n(10), ("住宅小区", "人防工程使用单位"), "estate"),
        Spec(n(150), ("住宅小区",), "estate"),
        Spec(n(250), ("统计在库单位",), "statistics", big=n(250)),
        Spec(n(600), ("统计在库单位",), "statistics"),
        Spec(n(20), ("物流寄递", "统计在库单位"), "logistics"),
        Spec(n(60), ("物流寄递",), "logistics"),
        Spec(n(145), ("公共娱乐场所",), "entertainment"),
        Spec(n(5), ("公共娱乐场所", "营业性演出"), "entertainment"),
        Spec(n(20), ("文博场所",), "museum", "12"),
        Spec(n(25), ("营业性演出",), "performance"),
        Spec(n(25), ("保安服务",), "security"),
        Spec(n(12), ("机动车排放检验",), "emission"),
        Spec(n(3), ("机动车排放检验", "道路运输车辆达标管理"), "emission"),
        Spec(n(3), ("道路运输车辆达标管理",), "emission"),
        Spec(n(3), ("滑雪场所",), "ski"),
        Spec(n(1), ("滑雪场所", "旅游景区"), "ski"),
        Spec(n(11), ("旅游景区",), "scenic"),
        Spec(n(20), ("机动车驾驶员培训",), "driving"),
        Spec(n(18), ("道路危险货物运输",), "hazmat", big=n(5)),
        Spec(1, ("社会保障",), "medicare", "12"),
    ]


BIG_ORDINARY = 100  # task 27 enterprises without any task tag (at scale 1)


class Generator:
    """Builds rows with one seeded random stream; every choice goes through `self.r`."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.ids: set[str] = set()
        self.school_no = 0

    # -- identifiers

    def uscc(self, org: str) -> str:
        """A fresh 统一社会信用代码: org + 140502 + 组织机构代码 (GB 11714 check) + GB 32100 check."""
        r = self.r
        while True:
            if org in ("91", "92", "93") and r.random() < 0.8:
                body = "MA0" + "".join(r.choices(ALPHABET, k=5))  # codes issued since the 2015 reform
            else:
                body = f"{r.randrange(10**8):08d}"  # an older 组织机构代码
            code = org + DIVISION + body + _org_check(body)
            code += uscc_check_char(code)
            if code not in self.ids:
                self.ids.add(code)
                return code

    # -- people, places, numbers

    def person(self) -> str:
        r = self.r
        given = r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.7 else "")
        return r.choice(SURNAMES) + given

    def trade_name(self) -> str:
        r = self.r
        return r.choice(TRADE_CHARS) + r.choice(TRADE_CHARS)

    def place(self) -> tuple[str, str]:
        r = self.r
        street, areas = r.choice(STREETS)
        address = f"山西省晋城市城区{street}{r.randrange(1800) + 1}号"
        x = r.random()
        if x < 0.3:
            n = r.randrange(30 * 6 * 28 * 4)  # building, unit, floor, door in one draw
            address += f"{n % 30 + 1}号楼{n // 30 % 6 + 1}单元{n // 180 % 28 + 1}0{n // 5040 + 1}室"
        elif x < 0.5:
            address += f"{'一二三'[int(x * 100) % 3]}层"
        return address, r.choice(areas)

    def phone(self) -> str:
        r = self.r
        if r.random() < 0.7:
            return f"1{r.choice('3578')}{r.randint(0, 9)}{r.randint(0, 99999999):08d}"
        return f"0356-{r.choice('23689')}{r.randint(0, 999999):06d}"

    def founded(self, org: str) -> str:
        r = self.r
        first = FOUNDED_PUBLIC if org in ("12", "11", "52") else FOUNDED_BUSINESS
        return date.fromordinal(first + r.randrange(FOUNDED_LAST - first + 1)).isoformat()

    def capital(self, big: bool, org: str) -> str:
        r = self.r
        if org not in ("91", "93"):
            return "" if org != "92" or r.random() < 0.6 else str(r.choice((1, 2, 3, 5, 8, 10, 20, 30, 50)))
        if big:
            return str(r.choice((3000, 3000, 5000, 6000, 8000, 10000, 12000, 20000, 30000, 50000, 100000))
                       + r.choice((0, 0, 0, 500)))
        value = r.choice((10, 30, 50, 50, 100, 100, 200, 300, 500, 500, 800, 1000, 1000, 1500, 2000, 2800))
        if r.random() < 0.05:
            return f"{value / 10:g}"
        return str(value)

    # -- names and types by kind

    def describe(self, kind: str, org: str) -> tuple[str, str]:
        """(名称, 类型) for a subject of a kind."""
        r, t = self.r, self.trade_name()
        company = r.choice(COMPANY_TYPES)
        if kind == "school":
            self.school_no += 1
            level = r.choice(("小学", "小学", "中学", "初级中学"))
            if org == "52":
                return f"晋城市城区{t}{level}", "民办非企业单位"
            return f"晋城市城区第{_chinese_number(self.school_no)}{level}", "事业单位"
        if kind == "kindergarten":
            return f"晋城市城区{t}{r.choice(('幼儿园', '双语幼儿园', '艺术幼儿园'))}有限公司", company
        if kind == "clinic":
            return f"晋城市城区{r.choice(COMMUNITIES)}{t[0]}社区卫生服务中心", "事业单位"
        if kind == "car":
            brand = r.choice(("丰田", "大众", "本田", "别克", "吉利", "长城", "比亚迪", "奇瑞", "现代",
                              "日产", "长安"))
            return f"晋城市{t}{brand}汽车销售服务有限公司", company
        if kind == "usedcar":
            return f"晋城市城区{t}二手车经纪有限公司", company
        if kind == "repair":
            if r.random() < 0.4:
                return f"城区{t}汽车修理厂", "个体工商户"
            return f"晋城市城区{t}汽车维修服务有限公司", company
        if kind == "prepaid":
            shop = r.choice(("美容美发店", "健身会所", "教育培训学校有限公司", "洗车行", "游泳馆", "面包坊",
                             "美甲店"))
            return f"晋城市城区{t}{shop}", company if shop.endswith("公司") else "个体工商户"
        if kind == "supermarket":
            return f"晋城市{t}超市有限公司", company
        if kind == "tobacco":
            shop = r.choice(("便利店", "烟酒店", "超市", "副食店", "商店", "烟酒副食部"))
            return f"城区{t}{shop}", "个体工商户"
        if kind == "construction":
            project = r.choice(("建设工程有限公司", "建筑工程有限公司", "房地产开发有限公司",
                                "市政工程有限公司"))
            return f"山西{t}{project}", company
        if kind == "labour":
            return f"晋城市{t}{r.choice(('劳务派遣有限公司', '人力资源服务有限公司'))}", company
        if kind == "shelter":
            use = r.choice(("地下商城管理有限公司", "停车场管理有限公司", "地下超市"))
            return f"晋城市城区{t}{use}", company if use.endswith("公司") else "个体工商户"
        if kind == "estate":
            estate = r.choice(COMMUNITIES) + r.choice(("苑", "小区", "花园", "家园"))
            return f"晋城市{t}物业服务有限公司（{estate}）", company
        if kind == "statistics":
            business = r.choice(("煤业有限公司", "机械制造有限公司", "商贸有限公司", "电力设备有限公司",
                                 "化工有限公司",
                                 "钢铁有限公司", "新能源有限公司", "餐饮管理有限公司", "物资有限公司"))
            return f"晋城市{t}{business}", company
        if kind == "logistics":
            form = r.choice(("快递有限公司", "物流有限公司", "速运有限公司", "供应链管理有限公司"))
            return f"晋城市城区{t}{form}", company
        if kind == "entertainment":
            venue = r.choice(("KTV", "网吧", "歌舞厅", "游艺厅", "酒吧", "量贩式KTV有限公司", "电竞馆"))
            return f"城区{t}{venue}", company if venue.endswith("公司") else "个体工商户"
        if kind == "museum":
            venue = r.choice(("博物馆", "纪念馆", "美术馆", "图书馆", "文化馆"))
            return f"晋城市城区{t[0]}{venue}", "事业单位"
        if kind == "performance":
            return f"晋城市{t}{r.choice(('文化传媒有限公司', '演艺有限公司', '剧院有限公司'))}", company
        if kind == "security":
            return f"晋城市{t}保安服务有限公司", company
        if kind == "emission":
            return f"晋城市{t}机动车检测有限公司", company
        if kind == "ski":
            return f"晋城市{t}滑雪场有限公司", company
        if kind == "scenic":
            return f"晋城市城区{t}{r.choice(('旅游开发有限公司', '景区管理有限公司', '生态园'))}", company
        if kind == "driving":
            return f"晋城市{t}机动车驾驶员培训有限公司", company
        if kind == "hazmat":
            return f"晋城市{t}危险货物运输有限公司", company
        if kind == "medicare":
            return MEDICARE_CENTRE, "事业单位"
        raise ValueError(kind)

    def ordinary(self, big: bool) -> tuple[str, str, str, str]:
        """(org, 名称, 类型, 行业类别) of an ordinary subject without a task tag."""
        r = self.r
        industry, forms = r.choice(ORDINARY_INDUSTRIES)
        x = r.random()
        if big:
            org = "91"
        elif x < 0.55:
            org = "92"
        elif x < 0.985:
            org = "91"
        elif x < 0.99:
            org = "93"
        else:
            org = r.choice(("11", "12", "51", "52"))
        t = self.trade_name()
        if org == "92":
            shop = r.choice([f for f in forms if not f.endswith("公司") and "合作社" not in f] or ["商行"])
            return org, f"城区{t}{shop}", "个体工商户", industry
        if org == "93":
            trade = r.choice(("种植", "养殖", "农机"))
            return org, f"晋城市城区{t}{trade}专业合作社", "农民专业合作社", "农业"
        if org == "91":
            prefix = r.choice(("晋城市城区", "晋城市", "山西"))
            if not big and r.random() < 0.12:
                form = r.choice(("经营部", "商贸中心", "服务部"))
                return org, f"{prefix}{t}{form}", r.choice(SOLE_TYPES), industry
            form = r.choice([f for f in forms if f.endswith("公司")] or ["商贸有限公司"])
            if big and r.random() < 0.2:
                return org, f"{prefix}{t}{form.replace('有限公司', '股份有限公司')}", \
                    "股份有限公司（非上市、自然人投资或控股）", industry
            return org, f"{prefix}{t}{form}", r.choice(COMPANY_TYPES), industry
        if org == "11":
            place = r.choice(AREAS) + r.choice(COMMUNITIES)
            return org, f"晋城市城区{place}社区居民委员会", "机关", "公共管理"
        if org == "12":
            return org, f"晋城市城区{t}{r.choice(('服务中心', '事务中心', '站'))}", "事业单位", "公共服务"
        if org == "51":
            return org, f"晋城市城区{t}{r.choice(('商会', '协会', '促进会'))}", "社会团体", "社会组织"
        return org, f"晋城市城区{t}{r.choice(('养老服务中心', '职业培训学校', '社会工作服务中心'))}", \
            "民办非企业单位", "社会服务"


_ORG_TABLES = tuple({c: (int(c, 36)) * w for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
                    for w in (3, 7, 9, 10, 5, 8, 4, 2))
FOUNDED_PUBLIC = date(1985, 1, 1).toordinal()
FOUNDED_BUSINESS = date(2003, 1, 1).toordinal()
FOUNDED_LAST = date(2023, 12, 31).toordinal()


def _org_check(body: str) -> str:
    """GB 11714 组织机构代码 check character for 8 body characters (digits, capital letters)."""
    total = sum(map(operator.getitem, _ORG_TABLES, body))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


DANDONG_2023 = (31_107, 12_044, 3_682, 721)
"""Classified enterprises of 丹东 in 2023 by class A, B, C, D (the domain brief's realistic mix)."""


def _apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights` by largest remainder (integers that add up exactly)."""
    whole = sum(weights)
    counts = [total * w // whole for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _risk_column(r: random.Random, total: int, orgs: Sequence[str]) -> list[str]:
    """风险等级 for every row: 8 % blank (non-enterprises first: classification covers 经营主体), the rest
    in the 丹东 2023 proportions (≈ A 65.4 % / B 25.3 % / C 7.7 % / D 1.5 %), shuffled."""
    blank_total = round(total * 0.08)
    not_enterprise = [i for i, org in enumerate(orgs) if org not in ("91", "92", "93")]
    enterprise = [i for i, org in enumerate(orgs) if org in ("91", "92", "93")]
    r.shuffle(enterprise)
    extra_blank = max(0, blank_total - len(not_enterprise))
    blank = set(not_enterprise) | set(enterprise[:extra_blank])
    classified = [i for i in range(total) if i not in blank]
    counts = _apportion(len(classified), DANDONG_2023)
    letters = [letter for letter, c in zip("ABCD", counts, strict=True) for _ in range(c)]
    r.shuffle(letters)
    column = [""] * total
    for i, letter in zip(classified, letters, strict=True):
        column[i] = letter
    return column


def generate_registry(subjects: int, seed: int = SEED) -> list[tuple[str, ...]]:
    """The registry rows (without header), in file order."""
    scale = subjects / DEFAULT_SUBJECTS
    groups = task_groups(scale)
    big_ordinary = max(1, round(BIG_ORDINARY * scale))
    tagged = sum(g.count for g in groups)
    if subjects < tagged + big_ordinary:
        raise SystemExit(f"--subjects must be at least {tagged + big_ordinary} to hold every task population")
    g = Generator(seed)
    r = g.r
    # (org, name, type, categories, big)
    plan: list[tuple[str, str, str, str, bool]] = []
    for spec in groups:
        for i in range(spec.count):
            name, kind_type = g.describe(spec.kind, spec.org)
            plan.append((spec.org, name, kind_type, ";".join(spec.tags), i < spec.big))
    for i in range(subjects - len(plan)):
        big = i < big_ordinary
        org, name, kind_type, industry = g.ordinary(big)
        plan.append((org, name, kind_type, industry, big))
    r.shuffle(plan)
    risks = _risk_column(r, len(plan), [p[0] for p in plan])
    rows: list[tuple[str, ...]] = []
    for (org, name, kind_type, categories, big), risk in zip(plan, risks, strict=True):
        address, area = g.place()
        staff = "" if r.random() < 0.1 else str(max(1, int(r.lognormvariate(1.6, 1.1))) + (200 if big else 0))
        rows.append((g.uscc(org), name, kind_type, g.person(), g.capital(big, org), g.founded(org), address,
                     area, g.phone(), categories, staff, risk))
    return rows


# ---------------------------------------------------------------- roster

# department → (inspectors, specialties, prefix of the tags its recusals come from)
DEPARTMENTS: tuple[tuple[str, int, tuple[str, ...], str], ...] = (
    ("城区市场监管局", 40,
     ("食品安全", "特种设备", "价格监督", "登记注册", "广告监管", "计量", "产品质量", "网络交易"),
     "统计在库单位"),
    ("城区教科局", 10, ("教育督导", "民办教育", "校园安全"), "学校"),
    ("城区卫体局", 8, ("医疗机构监管", "公共卫生", "体育经营"), "社区卫生服务中心"),
    ("城区商务局", 12, ("汽车流通", "单用途预付卡", "商贸流通"), "汽车销售"),
    ("城区住建局", 8, ("建筑工程质量", "物业管理", "建筑市场"), "建设工程项目"),
    ("城区人社局", 6, ("劳动保障监察", "人力资源市场"), "劳务派遣"),
    ("城区人防办", 5, ("人防工程",), "人防工程使用单位"),
    ("城区消防救援大队", 12, ("消防监督", "火灾防控"), "公共娱乐场所"),
    ("城区统计局", 8, ("统计执法",), "统计在库单位"),
    ("城区烟草局", 10, ("烟草专卖", "物流寄递"), "卷烟零售"),
    ("城区文旅局", 8, ("文化市场", "旅游市场", "演出市场"), "营业性演出"),
    ("城区公安局", 5, ("治安管理", "保安服务监管"), "保安服务"),
    ("城区生态局", 5, ("机动车排放", "环境执法"), "机动车排放检验"),
    ("城区医保局", 5, ("医保基金监管",), "社会保障"),
    ("城区审批局", 4, ("行政审批",), "社会保障"),
    ("城区交通局", 12, ("道路运输", "机动车维修", "驾驶员培训"), "机动车维修"),
)


def generate_roster(registry: Sequence[tuple[str, ...]], seed: int = SEED,
                    factor: int = 1) -> list[tuple[str, ...]]:
    """The roster rows: every department with at least 4 qualified inspectors, a few unqualified ones,
    recusals of real subject ids (subjects the department inspects), unavailable dates in 2024."""
    r = random.Random(seed + 1)
    by_tag: dict[str, list[str]] = {}
    for row in registry:
        for tag in row[9].split(";"):
            by_tag.setdefault(tag, []).append(row[0])
    rows: list[tuple[str, ...]] = []
    serial = 0
    g = Generator(seed + 2)
    for dept_no, (department, base, specialties, recusal_tag) in enumerate(DEPARTMENTS, start=1):
        count = base * factor
        unqualified = {count - 1} if count >= 10 else set()
        for i in range(count):
            serial += 1
            serial_digits = 2 if factor == 1 else 6
            badge = f"14050219{dept_no:02d}{i + 1:0{serial_digits}d}"
            qualified = "否" if i in unqualified else "是"
            spec = "、".join(sorted(r.sample(specialties, k=min(len(specialties), r.randint(1, 2))),
                                   key=specialties.index))
            recusals = ""
            candidates = by_tag.get(recusal_tag, [])
            if candidates and r.random() < 0.2:
                recusals = "；".join(sorted(r.sample(candidates, k=min(len(candidates), r.randint(1, 2)))))
            unavailable = ""
            if r.random() < 0.25:
                month = r.randint(3, 11)
                start = r.randint(1, 20)
                if r.random() < 0.5:
                    end = start + r.randint(2, 7)
                    unavailable = f"2024-{month:02d}-{start:02d}~2024-{month:02d}-{end:02d}"
                else:
                    unavailable = f"2024-{month:02d}-{start:02d}；2024-{month + 1:02d}-{r.randint(1, 28):02d}"
            name = g.person()
            dept_cell = "区人社局" if department == "城区人社局" and i == 1 else department
            rows.append((badge, name, dept_cell, qualified, spec, recusals, unavailable))
    return rows


# ---------------------------------------------------------------- output


def to_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    """UTF-8 with BOM, CRLF, minimal quoting: what Excel's “CSV UTF-8” writes (no header row when empty)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


STREAM_ABOVE = 200_000
BLOCK = 100_000


class _SerialGenerator(Generator):
    """A generator whose ids are unique by construction (a serial in base 31 in the organisation code),
    so blocks generated independently never collide and no set of every id is kept."""

    def __init__(self, seed: int, first_serial: int) -> None:
        super().__init__(seed)
        self.serial = first_serial

    def uscc(self, org: str) -> str:
        n, body = self.serial, ""
        self.serial += 1
        for _ in range(7):
            n, d = divmod(n, len(ALPHABET))
            body = ALPHABET[d] + body
        body = "M" + body
        code = org + DIVISION + body + _org_check(body)
        return code + uscc_check_char(code)


def generate_registry_blocks(subjects: int, seed: int = SEED):  # type: ignore[no-untyped-def]
    """The registry rows a block at a time (see the module docstring): each block is
    `generate_registry` of BLOCK subjects with its own seed and serial ids."""
    done = 0
    block_no = 0
    while done < subjects:
        size = min(BLOCK, subjects - done)
        size = max(size, 6000) if subjects - done >= 6000 else size
        original = Generator
        globals()["Generator"] = lambda s, first=done: _SerialGenerator(s, first)
        try:
            rows = generate_registry(size, seed + 7919 * (block_no + 1))
        finally:
            globals()["Generator"] = original
        yield rows
        done += size
        block_no += 1


def write_streaming(out: Path, subjects: int, seed: int = SEED, parquet: bool = False) -> tuple[Path, Path]:
    """Registry and roster of a large N, written block by block (bounded memory)."""
    out.mkdir(parents=True, exist_ok=True)
    registry_path, roster_path = out / "registry.csv", out / "roster.csv"
    tmp = registry_path.with_name(registry_path.name + ".tmp")
    first_block: list[tuple[str, ...]] = []
    with open(tmp, "wb") as handle:
        handle.write(to_csv(REGISTRY_HEADER, []))
        for rows in generate_registry_blocks(subjects, seed):
            if not first_block:
                first_block = rows
            handle.write(to_csv((), rows)[3:])  # without the BOM (and with no header row)
    tmp.replace(registry_path)
    factor = -(-subjects // DEFAULT_SUBJECTS)
    roster = generate_roster(first_block, seed, factor)
    roster_path.write_bytes(to_csv(ROSTER_HEADER, roster))
    if parquet:
        write_parquet(registry_path, out / "registry.parquet")
    return registry_path, roster_path


def write_parquet(csv_path: Path, parquet_path: Path) -> None:
    """The registry as Parquet, every column text (DuckDB reads the CSV and writes the Parquet)."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_csv('{csv_path}', header=true, all_varchar=true)) "
                f"TO '{parquet_path}' (FORMAT parquet)")


def write(out: Path, subjects: int, seed: int = SEED) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    registry = generate_registry(subjects, seed)
    roster = generate_roster(registry, seed)
    registry_path, roster_path = out / "registry.csv", out / "roster.csv"
    for path, data in ((registry_path, to_csv(REGISTRY_HEADER, registry)),
                       (roster_path, to_csv(ROSTER_HEADER, roster))):
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return registry_path, roster_path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subjects", type=int, default=DEFAULT_SUBJECTS,
                        help="registry size (default 30000)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data",
                        help="output directory (default: the repository's data/)")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed (default: the shipped data's)")
    parser.add_argument("--parquet", action="store_true", help="also write registry.parquet")
    args = parser.parse_args(argv)
    if args.subjects > STREAM_ABOVE:
        registry_path, roster_path = write_streaming(args.out, args.subjects, args.seed, args.parquet)
    else:
        registry_path, roster_path = write(args.out, args.subjects, args.seed)
        if args.parquet:
            write_parquet(registry_path, args.out / "registry.parquet")
    print(f"wrote {registry_path} and {roster_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
