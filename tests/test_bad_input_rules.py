"""Bad rule files, one edit each from the prefecture's built-in file: ``quorumlab validate``
exits 2 with exactly one line ``error: FILE: field 'PATH': message (fix: ...)``, no traceback.

The helpers (one edit of the built-in file, the CLI, the one-line check) are those of
tests/test_bad_input.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_bad_input import RULES, assert_one_line_error, cli, rule_file

QUORUM = 'quorum = { phrase = "三分之二以上", cite = "seed 001, 第二十一条(四)"'
PASSING = 'passing = { phrase = "超过半数", base = "due",'
CLOSE_SPLIT = '{ name = "close_split", kind = "margin", at_most = 1,'
RECUSED = '{ name = "recused_excluded", value = false,'
FINDINGS = "[known_findings]\n"
ROUTE = '[[routes]]\ncategory = "large_funds"\ncite = "seed 001, 第十一条(六)33"\n'

# (id, text in the built-in file, its replacement, field named, words of the message)
CASES = [
    ("emergency-overrides-quoted", CLOSE_SPLIT, CLOSE_SPLIT + ' emergency_overrides = "false",',
     "defaults.deferral.readings[0].emergency_overrides", ("true or false", "'false'")),
    ("at-most-negative", "at_most = 1,", "at_most = -1,",
     "defaults.deferral.readings[0].at_most", ("greater than or equal to 0",)),
    ("at-most-huge", "at_most = 1,", "at_most = 1000000000000000000000000000000,",
     "defaults.deferral.readings[0].at_most", ("less than or equal to 1000",)),
    ("den-huge", QUORUM, 'quorum = { num = 2, den = 1000000000000000000000000000000, '
     'cite = "seed 001, 第二十一条(四)"', "defaults.quorum.den", ("at most 1000",)),
    ("den-zero", QUORUM, 'quorum = { num = 0, den = 0, cite = "c"', "defaults.quorum.den",
     ("greater than or equal to 1",)),
    ("num-over-den", QUORUM, 'quorum = { num = 4, den = 3, cite = "c"', "defaults.quorum",
     ("can never be met",)),
    ("num-without-den", QUORUM, 'quorum = { num = 2, cite = "c"', "defaults.quorum",
     ("num and den go together",)),
    ("phrase-and-num", QUORUM, QUORUM + ", num = 2, den = 3", "defaults.quorum",
     ("both a phrase and num/den",)),
    ("strict-quoted", QUORUM, 'quorum = { num = 2, den = 3, strict = "false", cite = "c"',
     "defaults.quorum.strict", ("true or false",)),
    ("strict-with-phrase", QUORUM, QUORUM + ", strict = true", "defaults.quorum",
     ("strict goes with num/den",)),
    ("none-and-phrase", QUORUM, QUORUM + ', value = "none"', "defaults.quorum",
     ('value = "none"',)),
    ("no-threshold", QUORUM, 'quorum = { cite = "c"', "defaults.quorum", ("has no threshold",)),
    ("quorum-is-an-amount", QUORUM, 'quorum = { phrase = "5000元以上", cite = "c"',
     "defaults.quorum.phrase", ("not a share",)),
    ("bad-base", PASSING, 'passing = { phrase = "超过半数", base = "members",',
     "defaults.passing.base", ("'members'", "'decisive'")),
    ("bad-enum", 'chair_delegation = { value = "leader_absent"',
     'chair_delegation = { value = "whenever"', "defaults.chair_delegation.value",
     ("'whenever'", "'to_deputy'")),
    ("bool-as-string", "chair_calls_vote = { value = true,", 'chair_calls_vote = { value = "true",',
     "defaults.chair_calls_vote.value", ("'true'",)),
    ("bool-as-number", "owner_speaks_first = { value = false,", "owner_speaks_first = { value = 0,",
     "defaults.owner_speaks_first.value", ("true or false",)),
    ("portfolios-not-a-list", 'leader_may_not_own = { value = ["personnel", "finance", '
     '"construction", "procurement"]', 'leader_may_not_own = { value = "personnel"',
     "defaults.leader_may_not_own.value", ("list",)),
    ("unknown-key-in-entry", 'recusal = { value = "required",',
     'recusal = { value = "required", sourse = "x",', "defaults.recusal.sourse",
     ("unknown field", "cite")),
    ("empty-cite", 'recusal = { value = "required", cite = "seed 001, 第二十一条(四)"',
     'recusal = { value = "required", cite = ""', "defaults.recusal.cite", ("cite the clause",)),
    ("point-kind", 'kind = "unspecified"', 'kind = "unclear"', "defaults.recused_in_base.kind",
     ("'unclear'", "'vague'")),
    ("one-reading", RECUSED, "# " + RECUSED, "defaults.recused_in_base.readings",
     ("at least two",)),
    ("reading-names-repeat", RECUSED, '{ name = "recused_counted", value = false,',
     "defaults.recused_in_base.readings", ("repeat",)),
    ("reading-without-name", RECUSED, "{ value = false,", "defaults.recused_in_base.readings[1].name",
     ("missing",)),
    ("reading-name-with-space", RECUSED, '{ name = "recused excluded", value = false,',
     "defaults.recused_in_base.readings[1].name", ("not a usable name", "'='")),
    ("body-id-with-slash", "[bodies.party_group]\n", '[bodies."party/group"]\n',
     "bodies.party/group", ("not a usable name",)),
    ("reading-value-quoted", RECUSED, '{ name = "recused_excluded", value = "false",',
     "defaults.recused_in_base.readings[1].value", ("true or false",)),
    ("deferral-share-without-votes", CLOSE_SPLIT, CLOSE_SPLIT + ' phrase = "半数以上",',
     "defaults.deferral.readings[0]", ("no share", "defer_votes")),
    ("unknown-top-level-table", "[defaults]\npositions_required", "[default]\npositions_required",
     "default", ("unknown field", "defaults")),
    ("matters-empty", '[bodies.party_group]\nname = "Party group meeting"',
     '[bodies.party_group]\nmatters = []\nname = "Party group meeting"',
     "bodies.party_group.matters", ("lists no matter",)),
    ("matters-unknown", '[bodies.party_group]\nname = "Party group meeting"',
     '[bodies.party_group]\nmatters = ["cadre", "finances"]\nname = "Party group meeting"',
     "bodies.party_group.matters", ("unknown matter 'finances'",)),
    ("matters-twice", '[bodies.party_group]\nname = "Party group meeting"',
     '[bodies.party_group]\nmatters = ["cadre", "cadre"]\nname = "Party group meeting"',
     "bodies.party_group.matters", ("twice",)),
    ("unknown-key-in-a-list-entry", "[bodies.party_group.overrides.cadre]\n",
     "[bodies.party_group.overrides.cadre]\nquorum = [{ phrase = \"半数以上\", cite = \"c\" }, "
     "{ phrase = \"三分之二以上\", cite = \"c\", because = \"x\" }]\n",
     "bodies.party_group.overrides.cadre.quorum[1].because", ("unknown field", "replaces")),
    ("override-unknown-matter", "[bodies.party_group.overrides.cadre]",
     "[bodies.party_group.overrides.cadres]", "bodies.party_group.overrides.cadres",
     ("does not decide",)),
    ("group-unknown-matter", "[bodies.party_group.rules]\n",
     '[bodies.party_group.groups]\nmoney = ["budget", "loans"]\n[bodies.party_group.rules]\n',
     "bodies.party_group.groups.money", ("matters of this body",)),
    ("amount-ambiguous", 'amount = { phrase = "5000元及以上"', 'amount = { phrase = "超过5000元以上"',
     "matters.large_funds.amount.phrase", ("money limit is ambiguous", "超过 (strict)", "以上")),
    ("amount-is-a-share", 'amount = { phrase = "5000元及以上"', 'amount = { phrase = "三分之二以上"',
     "matters.large_funds.amount.phrase", ("not an amount",)),
    ("amount-in-people", 'amount = { phrase = "5000元及以上"', 'amount = { phrase = "10人以上"',
     "matters.large_funds.amount.phrase", ("not money",)),
    ("collective-quoted", "collective = true\n\n# 第十一条(二)", 'collective = "yes"\n\n# 第十一条(二)',
     "matters.ordinary.collective", ("true or false",)),
    ("institution-id-missing", 'id = "prefecture_medical_security_party_group"\n', "",
     "institution.id", ("missing",)),
    ("route-body-and-decider", FINDINGS, ROUTE + 'body = "party_group"\ndecider = "局长"\n' + FINDINGS,
     "routes[0]", ("exactly one of body and decider",)),
    ("route-unknown-body", FINDINGS, ROUTE + 'body = "board"\n' + FINDINGS, "routes[0].body",
     ("unknown body 'board'",)),
    ("route-amount-ambiguous", FINDINGS,
     ROUTE + 'body = "party_group"\namount = { phrase = "超过5000元以上" }\n' + FINDINGS,
     "routes[0].amount.phrase", ("超过 (strict)",)),
    ("finding-verdict", FINDINGS, FINDINGS + 'quorum_monotone = "maybe"\n',
     "known_findings.quorum_monotone", ("'maybe'", "'holds'")),
    ("finding-unknown-pair", FINDINGS, FINDINGS + '"quorum_monotone@board/cadre" = "holds"\n',
     "known_findings.quorum_monotone@board/cadre", ("board/cadre", "party_group/cadre")),
    ("field-not-set", 'decision_mode = { value = "vote", cite = "seed 001, 第二十一条(四)", '
     'note = "党组会议实行逐项表决; 表决时党组成员一人一票" }\n', "",
     "bodies.party_group.rules.decision_mode", ("not set",)),
    ("point-named-after-a-field", "[bodies.party_group.overrides.cadre]\n",
     '[bodies.party_group.overrides.cadre.points.quorum]\nkind = "clauses"\ncite = "c"\nreadings = '
     '[{ name = "a", set = { recusal = { value = "none" } } }, { name = "b", set = { recusal = '
     '{ value = "required" } } }]\n[bodies.party_group.overrides.cadre]\n',
     "bodies.party_group.overrides.cadre.points.quorum", ("rule field",)),
    ("separation-pair-not-forbidden", 'four_eyes = [\n  { name = "none",',
     'four_eyes = [\n  { name = "none", pairs = [["finance", "overall"]],',
     "separation.four_eyes[0].pairs[0]", ("'overall'", "personnel")),
    ("separation-reading-twice", '{ name = "not_required",', '{ name = "non_leader",',
     "separation.runners[1].name", ("'non_leader' appears twice",)),
    ("separation-role-leader", 'roles = ["deputy", "member"]', 'roles = ["leader"]',
     "separation.runners[0].roles[0]", ("'leader'",)),
]


@pytest.mark.parametrize(("old", "new", "field", "words"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_rule_file_is_one_line(tmp_path: Path, old: str, new: str, field: str,
                                   words: tuple[str, ...]) -> None:
    path = rule_file(tmp_path, old, new)
    line = assert_one_line_error(cli("validate", str(path)), str(path), f"field '{field}':",
                                 *words)
    assert line.startswith(f"error: {path}: field '{field}': ") and "(fix: " in line


def test_cases_are_distinct_edits_of_the_builtin_file() -> None:
    source = RULES.read_text(encoding="utf-8")
    assert len(CASES) >= 25 and len({(c[1], c[2]) for c in CASES}) == len(CASES)
    assert all(old in source for _, old, *_ in CASES)


def test_defaults_that_is_not_a_table(tmp_path: Path) -> None:
    """``defaults = 5`` in place of the [defaults] tables."""
    source = RULES.read_text(encoding="utf-8")
    start, end = source.index("[defaults]"), source.index("[bodies.party_group]")
    path = tmp_path / "bad_defaults.toml"
    path.write_text("defaults = 5\n" + source[:start] + source[end:], encoding="utf-8")
    assert_one_line_error(cli("validate", str(path)), str(path), "field 'defaults':",
                          "should be a table", "got 5")
