"""Exact threshold language: the threshold words of the seed documents, read exactly.

Chinese legal drafting fixes whether a bound includes its number (Civil Code of the
PRC, art. 1259): 以上、以下、以内、达到 include it; 超过、不满 do not.  A phrase is read
into one of two exact forms, compared on integers only (no floats, no rounding):

* :class:`Share` -- ``count`` against a fraction of a ``base``: ``den*count >= num*base``
  (inclusive) or ``den*count > num*base`` (strict);
* :class:`Bound` -- a number (people, yuan) against a fixed limit: ``x >= 5000``.

A phrase that mixes an inclusive and a strict word (超过三分之二以上) is
:class:`Ambiguous` and carries both readings; it is never silently resolved.

The comparisons use only ``*``, ``>=``, ``>``, ``<=`` and ``<``, so they work unchanged
on Python ints, numpy arrays and Z3 integer terms.

Examples
--------
>>> t = parse_threshold("三分之二以上")
>>> t
Share(num=2, den=3, strict=False)
>>> [t.holds(k, 9) for k in (5, 6, 7)]
[False, True, True]
>>> parse_threshold("超过半数").min_count(8), parse_threshold("半数以上").min_count(8)
(5, 4)
>>> parse_threshold("5000元及以上").holds(5000), parse_threshold("超过2万元").holds(20000)
(True, False)
>>> amb = parse_threshold("超过三分之二以上")
>>> [r.strict for r in amb.readings]
[False, True]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from model.errors import ThresholdError

__all__ = [
    "Share",
    "Bound",
    "Ambiguous",
    "ThresholdReading",
    "parse_threshold",
    "parse_chinese_number",
    "ACCEPTED_FORMS",
]

ACCEPTED_FORMS = (
    "三分之二以上 (>=2/3), 超过三分之二 (>2/3), 达到三分之二 (>=2/3), 半数以上 (>=1/2), "
    "超过半数 / 过半数 (>1/2), 10人以内 (<=10), 5000元及以上 (>=5000), 超过2万元 (>20000), "
    "'at least two-thirds', 'more than half', or a table {num=2, den=3, strict=false}"
)


@dataclass(frozen=True)
class Share:
    """``count`` compared with the fraction ``num/den`` of a ``base``.

    >>> Share(1, 2, strict=True).holds(5, 10), Share(1, 2, strict=False).holds(5, 10)
    (False, True)
    >>> Share(1, 2, strict=True).describe()
    'more than 1/2'
    """

    num: int
    den: int
    strict: bool

    def __post_init__(self) -> None:
        if self.den <= 0 or self.num < 0:
            raise ThresholdError(
                None,
                f"fraction {self.num}/{self.den} is not a share",
                fix="use a non-negative numerator and a positive denominator",
            )
        if self.num > self.den or (self.strict and self.num == self.den):
            raise ThresholdError(
                None,
                f"threshold {self.describe()} can never be met: it is over 100% of the base",
                fix="use a fraction of at most 1 (e.g. 2/3), inclusive if it is 1",
            )

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.num, self.den)

    def holds(self, count: Any, base: Any) -> Any:
        """``count`` meets the threshold of ``base`` (ints, numpy arrays or Z3 terms)."""
        if self.strict:
            return self.den * count > self.num * base
        return self.den * count >= self.num * base

    def min_count(self, base: int) -> int:
        """Smallest integer count that meets the threshold for a concrete ``base``."""
        q, r = divmod(self.num * base, self.den)
        if self.strict:
            return q + 1
        return q + (1 if r else 0)

    def describe(self) -> str:
        word = "more than" if self.strict else "at least"
        return f"{word} {self.num}/{self.den}"

    def describe_zh(self) -> str:
        frac = "半数" if (self.num, self.den) == (1, 2) else f"{_ZH_INT(self.den)}分之{_ZH_INT(self.num)}"
        return f"超过{frac}" if self.strict else f"{frac}以上"


@dataclass(frozen=True)
class Bound:
    """A number compared with a fixed ``limit``: ``op`` is one of ``>=``, ``>``, ``<=``, ``<``.

    >>> Bound(10, "<=").holds(10), Bound(20000, ">").holds(20001)
    (True, True)
    """

    limit: int
    op: str
    unit: str = ""

    def __post_init__(self) -> None:
        if self.op not in (">=", ">", "<=", "<"):
            raise ThresholdError(None, f"unknown comparison {self.op!r}", fix="use >=, >, <= or <")

    def holds(self, x: Any) -> Any:
        if self.op == ">=":
            return x >= self.limit
        if self.op == ">":
            return x > self.limit
        if self.op == "<=":
            return x <= self.limit
        return x < self.limit

    def describe(self) -> str:
        return f"{self.op} {self.limit}{(' ' + self.unit) if self.unit else ''}"

    def describe_zh(self) -> str:
        word = {">=": "及以上", ">": "超过", "<=": "以内", "<": "不满"}[self.op]
        unit = {"yuan": "元", "people": "人"}.get(self.unit, "")
        return f"超过{self.limit}{unit}" if self.op == ">" else f"{self.limit}{unit}{word}"


ThresholdReading = Share | Bound


@dataclass(frozen=True)
class Ambiguous:
    """A phrase whose words disagree on inclusiveness: both readings, inclusive first."""

    phrase: str
    readings: tuple[ThresholdReading, ...]
    why: str


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}


def _ZH_INT(n: int) -> str:
    inv = {v: k for k, v in _DIGITS.items() if k not in ("两", "〇")}
    return inv[n] if n < 10 else str(n)


def parse_chinese_number(text: str) -> int:
    """Read an integer written in digits, Chinese numerals, or both (``2万``, ``三千``).

    >>> parse_chinese_number("2万"), parse_chinese_number("1000万"), parse_chinese_number("十五")
    (20000, 10000000, 15)
    """
    text = text.strip().replace(",", "")
    if not text:
        raise ThresholdError(None, "empty number", fix="write a number such as 5000 or 2万")
    total, section, current = 0, 0, 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isdigit():
            j = i
            while j < len(text) and (text[j].isdigit() or text[j] == "."):
                j += 1
            value = Fraction(text[i:j])
            i = j
            if i < len(text) and text[i] in _BIG:
                scaled = value * _BIG[text[i]]
                if scaled.denominator != 1:
                    raise ThresholdError(None, f"{text!r} is not a whole number", fix="use whole yuan")
                total += int(scaled)
                i += 1
            else:
                if value.denominator != 1:
                    raise ThresholdError(None, f"{text!r} is not a whole number", fix="use whole numbers")
                current = int(value)
            continue
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            section += (current or 1) * _UNITS[ch]
            current = 0
        elif ch in _BIG:
            total += (section + current) * _BIG[ch]
            section, current = 0, 0
        else:
            raise ThresholdError(None, f"cannot read number {text!r}", fix="write e.g. 5000, 2万, 三")
        i += 1
    return total + section + current


_FRACTION = re.compile(r"(?P<den>[\d一二三四五六七八九十]+)分之(?P<num>[\d一二三四五六七八九十]+)")
_EN_FRACTIONS = {
    "half": (1, 2), "one-half": (1, 2), "one half": (1, 2), "a half": (1, 2),
    "two-thirds": (2, 3), "two thirds": (2, 3), "one-third": (1, 3), "one third": (1, 3),
    "three-quarters": (3, 4), "three quarters": (3, 4), "three-fourths": (3, 4),
}
_EN = re.compile(
    r"^(?P<word>at least|not less than|more than|over|greater than|exceeding|a majority)"
    r"(?: of)?\s*(?P<frac>[a-z -]+|\d+\s*/\s*\d+)?$"
)
# Words (longest first) and what they say about a lower bound.
_STRICT = ("超过", "多于", "高于", "过半", "大于")
_INCLUSIVE = ("及以上", "以上", "达到", "不少于", "不低于", "含")
_UPPER_INCL = ("不超过", "以下", "以内", "不多于")
_UPPER_STRICT = ("不满", "不足", "少于", "低于")


def _words(phrase: str) -> tuple[set[str], str]:
    """Strip the comparison words, return (kinds found, remaining core)."""
    kinds: set[str] = set()
    core = phrase
    for group, kind in ((_UPPER_INCL, "<="), (_UPPER_STRICT, "<"), (_STRICT, ">"),
                        (_INCLUSIVE, ">=")):
        for w in sorted(group, key=len, reverse=True):
            if w in core:
                kinds.add(kind)
                core = core.replace(w, "过半" if w == "过半" else "")
    core = core.replace("过半", "半")
    return kinds, core


def _error(phrase: str) -> ThresholdError:
    return ThresholdError(None, f"unknown threshold phrase {phrase!r}", fix=f"use one of: {ACCEPTED_FORMS}")


def parse_threshold(phrase: str) -> Share | Bound | Ambiguous:
    """Read a threshold phrase (Chinese or English) into its exact form.

    Unknown phrases raise :class:`~model.errors.ThresholdError` listing accepted forms.

    >>> parse_threshold("more than half")
    Share(num=1, den=2, strict=True)
    >>> parse_threshold("10人以内")
    Bound(limit=10, op='<=', unit='people')
    >>> parse_threshold("三分之五以上")
    Traceback (most recent call last):
    ...
    model.errors.ThresholdError: '三分之五以上': threshold at least 5/3 can never be met: it is over 100% of the base (fix: use a fraction of at most 1 (e.g. 2/3), inclusive if it is 1)
    """
    if not isinstance(phrase, str) or not phrase.strip():
        raise _error(str(phrase))
    if phrase.isascii():
        return _parse_english(phrase.strip(), phrase.strip().lower())
    # "1000元以上(含1000元)": the bracket restates that the bound is inclusive
    text = re.sub(r"[（(]含[^)）]*[)）]", "含", phrase)
    text = re.sub(r"[\s（）()]", "", text)
    kinds, core = _words(text)
    core = core.replace("的", "").replace("应到会", "").replace("成员", "")
    lower = kinds & {">", ">="}
    upper = kinds & {"<", "<="}
    if lower and upper:
        raise _error(phrase)
    if not kinds:
        raise _error(phrase)
    # the fraction or amount
    share: tuple[int, int] | None = None
    bound: tuple[int, str] | None = None
    if core in ("半", "半数", "二分之一", "一半"):
        share = (1, 2)
    elif core in ("全体", "全部"):
        share = (1, 1)
    elif (m := _FRACTION.fullmatch(core)) is not None:
        share = (parse_chinese_number(m["num"]), parse_chinese_number(m["den"]))
    else:
        m2 = re.fullmatch(r"(?P<n>[\d.一二三四五六七八九十百千万亿两]+)(?P<unit>元|人|名)?", core)
        if m2 is None:
            raise _error(phrase)
        unit = {"元": "yuan", "人": "people", "名": "people"}.get(m2["unit"] or "", "")
        bound = (parse_chinese_number(m2["n"]), unit)
    ops = sorted(lower or upper)  # e.g. ['>', '>='] when mixed
    if len(ops) > 1:
        readings = tuple(_make(share, bound, op, phrase) for op in sorted(ops, key=len, reverse=True))
        return Ambiguous(
            phrase, readings,
            why=f"{phrase!r} mixes an inclusive word (以上/达到) with a strict one (超过)",
        )
    return _make(share, bound, ops[0], phrase)


def _make(share: tuple[int, int] | None, bound: tuple[int, str] | None, op: str,
          phrase: str) -> Share | Bound:
    if share is not None:
        if op not in (">", ">="):
            raise ThresholdError(None, f"{phrase!r}: an upper share bound is not a passing rule",
                                 fix="write the lower bound, e.g. 超过半数")
        try:
            return Share(share[0], share[1], strict=(op == ">"))
        except ThresholdError as err:
            err.message = f"{phrase!r}: {err.message}"
            err.args = (str(err),)
            raise
    assert bound is not None
    return Bound(bound[0], op, bound[1])


def _parse_english(phrase: str, text: str) -> Share | Bound:
    text = re.sub(r"\s+", " ", text)
    m = _EN.match(text)
    if m is None:
        raise _error(phrase)
    word = m["word"]
    if word == "a majority":
        if m["frac"]:
            raise _error(phrase)
        return Share(1, 2, strict=True)
    frac = (m["frac"] or "").strip()
    if "/" in frac:
        a, b = (int(x) for x in frac.split("/"))
        pair = (a, b)
    elif frac in _EN_FRACTIONS:
        pair = _EN_FRACTIONS[frac]
    else:
        raise _error(phrase)
    strict = word not in ("at least", "not less than")
    return _make(pair, None, ">" if strict else ">=", phrase)
