"""Threshold words (DOMAIN.md, "Exact meaning of the threshold words"), checked exhaustively.

Every expectation below is hand arithmetic on integers written in this file, independent
of :mod:`model.thresholds`: ``3k >= 2n`` for 三分之二以上 and so on (Civil Code art. 1259:
以上/以内/达到 include the number, 超过 does not).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.errors import RuleFileError, ThresholdError
from model.loader import load_rule_file
from model.rules import Passing
from model.thresholds import Ambiguous, Bound, Share, parse_chinese_number, parse_threshold

BASES = range(1, 61)

# phrase -> hand arithmetic on (k = count, n = base)
SHARE_TABLE: dict[str, Callable[[int, int], bool]] = {
    "三分之二以上": lambda k, n: 3 * k >= 2 * n,
    "超过三分之二": lambda k, n: 3 * k > 2 * n,
    "达到三分之二": lambda k, n: 3 * k >= 2 * n,
    "半数以上": lambda k, n: 2 * k >= n,
    "超过半数": lambda k, n: 2 * k > n,
    "过半数": lambda k, n: 2 * k > n,
}


@pytest.mark.parametrize("phrase", sorted(SHARE_TABLE))
def test_share_phrase_matches_hand_arithmetic_for_all_bases(phrase: str) -> None:
    """DOMAIN.md threshold table, bases 1..60, every count 0..base."""
    t = parse_threshold(phrase)
    assert isinstance(t, Share)
    hand = SHARE_TABLE[phrase]
    for n in BASES:
        for k in range(n + 1):
            assert bool(t.holds(k, n)) is hand(k, n), (phrase, k, n)


@pytest.mark.parametrize("phrase", sorted(SHARE_TABLE))
def test_share_phrase_min_count_is_smallest_passing_count(phrase: str) -> None:
    t = parse_threshold(phrase)
    hand = SHARE_TABLE[phrase]
    for n in BASES:
        smallest = next(k for k in range(n + 2) if hand(k, n))
        assert t.min_count(n) == smallest, (phrase, n)


def test_share_table_spot_values() -> None:
    """A few values worked out on paper (n = 9 and n = 10)."""
    two_thirds, over_two_thirds = parse_threshold("三分之二以上"), parse_threshold("超过三分之二")
    half, over_half = parse_threshold("半数以上"), parse_threshold("超过半数")
    assert two_thirds.min_count(9) == 6 and over_two_thirds.min_count(9) == 7
    assert two_thirds.min_count(10) == 7 and over_two_thirds.min_count(10) == 7
    assert half.min_count(10) == 5 and over_half.min_count(10) == 6
    assert half.min_count(9) == 5 and over_half.min_count(9) == 5


def test_people_limit_within() -> None:
    """10人以内: k <= 10 (以内 includes the number)."""
    t = parse_threshold("10人以内")
    assert isinstance(t, Bound)
    for k in range(0, 61):
        assert bool(t.holds(k)) is (k <= 10), k
    assert t.holds(10) and not t.holds(11)


@pytest.mark.parametrize(
    ("phrase", "hand", "boundary"),
    [
        ("5000元及以上", lambda x: x >= 5000, 5000),
        ("超过2万元", lambda x: x > 20000, 20000),
        ("超过1000万元", lambda x: x > 10_000_000, 10_000_000),
        ("1000万元以上", lambda x: x >= 10_000_000, 10_000_000),
        ("1000元以上(含1000元)", lambda x: x >= 1000, 1000),
    ],
)
def test_money_limits_at_boundaries(phrase: str, hand: Callable[[int], bool], boundary: int) -> None:
    """Money limits of the seeds: 001 第十一条(六)33, 004 三重一大 一(五)1, 003 三(四), 004 财务 11."""
    t = parse_threshold(phrase)
    assert isinstance(t, Bound)
    for x in (0, 1, boundary - 1, boundary, boundary + 1, 10 * boundary, 10**12):
        assert bool(t.holds(x)) is hand(x), (phrase, x)


def test_money_limit_exact_boundaries_stated() -> None:
    assert parse_threshold("5000元及以上").holds(5000)
    assert not parse_threshold("5000元及以上").holds(4999)
    assert not parse_threshold("超过2万元").holds(20000)
    assert parse_threshold("超过2万元").holds(20001)


@pytest.mark.parametrize(
    ("text", "value"),
    [("2万", 20000), ("1000万", 10_000_000), ("十五", 15), ("三千", 3000), ("一百二十", 120),
     ("5000", 5000), ("两万", 20000)],
)
def test_chinese_numbers(text: str, value: int) -> None:
    assert parse_chinese_number(text) == value


@pytest.mark.parametrize(
    ("phrase", "num", "den", "strict"),
    [
        ("at least two-thirds", 2, 3, False),
        ("more than two-thirds", 2, 3, True),
        ("more than half", 1, 2, True),
        ("at least half", 1, 2, False),
        ("a majority", 1, 2, True),
        ("at least 2/3", 2, 3, False),
        ("more than 1/2", 1, 2, True),
        ("not less than two thirds", 2, 3, False),
    ],
)
def test_english_equivalents(phrase: str, num: int, den: int, strict: bool) -> None:
    t = parse_threshold(phrase)
    assert isinstance(t, Share)
    for n in range(1, 31):
        for k in range(n + 1):
            hand = den * k > num * n if strict else den * k >= num * n
            assert bool(t.holds(k, n)) is hand, (phrase, k, n)


def test_english_and_chinese_agree() -> None:
    assert parse_threshold("at least two-thirds") == parse_threshold("三分之二以上")
    assert parse_threshold("more than half") == parse_threshold("超过半数")
    assert parse_threshold("more than two-thirds") == parse_threshold("超过三分之二")


@pytest.mark.parametrize(("num", "den", "strict"), [(2, 3, False), (2, 3, True), (1, 2, False),
                                                    (1, 2, True), (3, 4, False), (1, 1, False)])
def test_structured_share(num: int, den: int, strict: bool) -> None:
    t = Share(num, den, strict)
    for n in BASES:
        for k in range(n + 1):
            hand = den * k > num * n if strict else den * k >= num * n
            assert bool(t.holds(k, n)) is hand


def _rule_file_with(tmp_path, old: str, new: str):
    from model.loader import INSTITUTIONS_DIR

    src = (INSTITUTIONS_DIR / "prefecture_medical_security_party_group.toml").read_text("utf-8")
    assert old in src
    path = tmp_path / "rules.toml"
    path.write_text(src.replace(old, new, 1), encoding="utf-8")
    return path


def test_structured_form_in_rule_file(tmp_path) -> None:
    """quorum = {num = 2, den = 3, strict = true} is read as 3k > 2n."""
    path = _rule_file_with(
        tmp_path, 'quorum = { phrase = "三分之二以上",', "quorum = { num = 2, den = 3, strict = true,"
    )
    (req,) = load_rule_file(path).ruleset("party_group", "ordinary").default().quorum
    q = req.rule
    for n in range(1, 31):
        for k in range(n + 1):
            assert bool(q.holds(k, n)) is (3 * k > 2 * n)


@pytest.mark.parametrize("phrase", ["超过三分之二以上", "超过半数以上"])
def test_ambiguous_phrase_gives_both_readings(phrase: str) -> None:
    """超过 (strict) mixed with 以上 (inclusive): both readings, never one chosen silently."""
    t = parse_threshold(phrase)
    assert isinstance(t, Ambiguous)
    assert t.phrase == phrase
    assert len(t.readings) == 2
    num, den = (2, 3) if "三分之二" in phrase else (1, 2)
    by_strict = {r.strict: r for r in t.readings}
    assert set(by_strict) == {False, True}
    for n in BASES:
        for k in range(n + 1):
            assert bool(by_strict[False].holds(k, n)) is (den * k >= num * n)
            assert bool(by_strict[True].holds(k, n)) is (den * k > num * n)
    # the two readings really differ (e.g. n = 6, k = 4 for two-thirds; n = 4, k = 2 for half)
    n, k = (6, 4) if den == 3 else (4, 2)
    assert by_strict[False].holds(k, n) and not by_strict[True].holds(k, n)


def test_ambiguous_passing_phrase_in_rule_file_becomes_open_point(tmp_path) -> None:
    """A rule file using 超过三分之二以上 gets an open point with both readings."""
    path = _rule_file_with(tmp_path, 'passing = { phrase = "超过半数",',
                           'passing = { phrase = "超过三分之二以上",')
    rs = load_rule_file(path).ruleset("party_group", "ordinary")
    point = next(p for p in rs.points if p.field == "passing")
    values = [req.rule for r in point.readings for req in r.value]
    assert len(values) == 2 and all(isinstance(v, Passing) for v in values)
    assert {v.share.strict for v in values} == {False, True}
    assert {(v.share.num, v.share.den) for v in values} == {(2, 3)}


@pytest.mark.parametrize("phrase", ["三分之二左右", "大多数", "most of them", "半数", "三分之二",
                                    "超过三分之二以下", "约半数以上", "two thirds-ish"])
def test_unknown_phrase_raises_threshold_error_naming_phrase_and_forms(phrase: str) -> None:
    with pytest.raises(ThresholdError) as exc:
        parse_threshold(phrase)
    text = str(exc.value)
    assert phrase in text
    for form in ("三分之二以上", "超过半数", "半数以上", "5000元及以上", "more than half"):
        assert form in text, form


@pytest.mark.parametrize("phrase", ["三分之五以上", "超过三分之四", "超过全体", "more than 3/2",
                                    "at least 5/4"])
def test_threshold_over_100_percent_is_rejected(phrase: str) -> None:
    with pytest.raises(ThresholdError) as exc:
        parse_threshold(phrase)
    text = str(exc.value)
    assert phrase in text
    assert "100%" in text


@pytest.mark.parametrize(("num", "den", "strict"), [(5, 3, False), (4, 3, True), (1, 1, True),
                                                    (3, 2, False)])
def test_structured_share_over_100_percent_is_rejected(num: int, den: int, strict: bool) -> None:
    with pytest.raises(ThresholdError, match="100%"):
        Share(num, den, strict)


def test_over_100_percent_in_rule_file_names_file_and_field(tmp_path) -> None:
    path = _rule_file_with(tmp_path, 'quorum = { phrase = "三分之二以上",',
                           'quorum = { phrase = "三分之五以上",')
    with pytest.raises(RuleFileError) as exc:
        load_rule_file(path)
    text = str(exc.value)
    assert str(path) in text and "defaults.quorum" in text and "三分之五以上" in text


def test_exact_on_huge_bases() -> None:
    """No floats: 超过三分之二 of 3*10**17 needs exactly 2*10**17 + 1."""
    n = 3 * 10**17
    t = parse_threshold("超过三分之二")
    assert not t.holds(2 * 10**17, n)
    assert t.holds(2 * 10**17 + 1, n)
    assert t.min_count(n) == 2 * 10**17 + 1
    big = 10**30 + 1  # odd base: 半数以上 needs (big + 1) / 2
    assert parse_threshold("半数以上").min_count(big) == (big + 1) // 2


@given(num=st.integers(0, 12), den=st.integers(1, 12), strict=st.booleans(),
       base=st.integers(0, 200))
def test_min_count_agrees_with_brute_force(num: int, den: int, strict: bool, base: int) -> None:
    if num > den or (strict and num == den):
        with pytest.raises(ThresholdError):
            Share(num, den, strict)
        return
    t = Share(num, den, strict)

    def hand(k: int) -> bool:
        return den * k > num * base if strict else den * k >= num * base

    brute = next(k for k in range(base + 2) if hand(k))
    assert t.min_count(base) == brute
    # and holds() is monotone in the count
    for k in range(base + 1):
        assert bool(t.holds(k, base)) is (k >= brute)
