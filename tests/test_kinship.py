"""Kinship and recusal (model/kinship.py) on hand-built family graphs.

Every expectation is read off the clause it names: seed 001, 第二十一条(四) (亲属: 夫妻关系、
直系血亲关系、三代以内旁系血亲以及近姻亲关系) and seed 003, 四(二)5 (近亲属), under the readings
the module documents.  The three-generation boundary: counting each person as the first
generation, a common ancestor at most two steps up from both.
"""

from __future__ import annotations

import itertools

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.kinship import RULES, Kinship, KinshipError, Tie, recusals, rule_for

SEED001 = RULES["prefecture_medical_security_party_group"]
SEED003 = RULES["taobei_district_government"]


def parent(p: str, c: str) -> Tie:
    return Tie(p, "parent", c)


# A four-generation tree around "me":
#   gg ── g1 ── dad ── me ── kid ── grandkid
#     │     │               └ sis ── niece
#     │     └─ uncle ── cousin ── cousin_kid
#     └─ g2 (great-uncle) ── q ── second_cousin
TREE = Kinship.build(
    ["gg", "g1", "g2", "dad", "uncle", "me", "sis", "niece", "kid", "grandkid", "cousin",
     "cousin_kid", "q", "second_cousin", "gggg", "ggg"],
    [parent("gggg", "ggg"), parent("ggg", "gg"),
     parent("gg", "g1"), parent("gg", "g2"), parent("g1", "dad"), parent("g1", "uncle"),
     parent("dad", "me"), parent("dad", "sis"), parent("sis", "niece"), parent("me", "kid"),
     parent("kid", "grandkid"), parent("uncle", "cousin"), parent("cousin", "cousin_kid"),
     parent("g2", "q"), parent("q", "second_cousin")])


def category(kin: Kinship, person: str, rule=SEED001, reading: str | None = None,
             member: str = "me") -> str | None:
    found = recusals(kin, [member], [person], rule, reading)
    assert all(r.cite == rule.cite for r in found)
    return found[0].category if found else None


@pytest.mark.parametrize(("person", "expected"), [
    ("sis", "三代以内旁系血亲"),          # common parent: 2 generations each side
    ("uncle", "三代以内旁系血亲"),        # common grandparent g1: me 3rd, uncle 2nd generation
    ("niece", "三代以内旁系血亲"),        # common parent dad: me 2nd, niece 3rd
    ("cousin", "三代以内旁系血亲"),       # common grandparent g1: both 3rd generation
    ("cousin_kid", None),                # first cousin once removed: 4th generation from g1
    ("second_cousin", None),             # common great-grandparent gg: 4th generation each
    ("g2", None),                        # great-uncle: me 4th generation from gg
    ("dad", "直系血亲"), ("g1", "直系血亲"), ("kid", "直系血亲"), ("grandkid", "直系血亲"),
    ("gggg", "直系血亲"),                # lineal at any distance: five generations up
    ("me", "本人"),
])
def test_seed001_three_generation_boundary(person: str, expected: str | None) -> None:
    """seed 001, 第二十一条(四): 直系血亲 at any distance, 三代以内旁系血亲 up to first cousins."""
    for reading in ("practice", "first_degree", "three_generations"):  # blood: no reading differs
        assert category(TREE, person, reading=reading) == expected


def test_relation_paths_follow_the_tree() -> None:
    """seed 001, 第二十一条(四): each recusal names its relation path and clause."""
    (r,) = recusals(TREE, ["me"], ["cousin"], SEED001)
    assert (r.relation, r.path, r.steps) == ("first cousin", ("me", "dad", "g1", "uncle", "cousin"),
                                             ("parent", "parent", "child", "child"))
    assert (r.cite, r.reading, r.category) == ("seed 001, 第二十一条(四)", "practice", "三代以内旁系血亲")
    (r,) = recusals(TREE, ["me"], ["gggg"], SEED001)
    assert r.path == ("me", "dad", "g1", "gg", "ggg", "gggg")


# In-laws: me ── wife; wife's parent, sibling (with spouse), grandparent, cousin; kid's
# spouse and the spouse's parent (亲家); my cousin's spouse.
IN_LAWS = Kinship.build(
    ["me", "wife", "w_mum", "w_gran", "w_sis", "w_sis_man", "w_aunt", "w_cousin", "kid",
     "kid_wife", "kid_wife_dad", "dad", "g", "uncle", "cousin", "cousin_wife"],
    [Tie("me", "spouse", "wife"), parent("w_mum", "wife"), parent("w_gran", "w_mum"),
     Tie("w_sis", "sibling", "wife"), Tie("w_sis_man", "spouse", "w_sis"),
     parent("w_gran", "w_aunt"), parent("w_aunt", "w_cousin"),
     parent("me", "kid"), Tie("kid_wife", "spouse", "kid"), parent("kid_wife_dad", "kid_wife"),
     parent("dad", "me"), parent("g", "dad"), parent("g", "uncle"), parent("uncle", "cousin"),
     Tie("cousin_wife", "spouse", "cousin")])


@pytest.mark.parametrize(("person", "practice", "first_degree", "three_generations"), [
    ("wife", "夫妻关系", "夫妻关系", "夫妻关系"),
    ("w_mum", "近姻亲", "近姻亲", "近姻亲"),            # 配偶的父母
    ("w_sis", "近姻亲", "近姻亲", "近姻亲"),            # 配偶的兄弟姐妹
    ("w_sis_man", "近姻亲", None, "近姻亲"),           # 配偶的兄弟姐妹的配偶
    ("kid_wife", "近姻亲", "近姻亲", "近姻亲"),         # 子女的配偶
    ("kid_wife_dad", "近姻亲", None, None),            # 子女配偶的父母 (亲家): practice only
    ("cousin_wife", "近姻亲", None, "近姻亲"),          # 三代以内旁系血亲的配偶
    ("w_gran", None, None, "近姻亲"),                  # spouse's grandparent
    ("w_cousin", None, None, "近姻亲"),                # spouse's first cousin
])
def test_seed001_near_in_laws_per_reading(person: str, practice: str | None,
                                          first_degree: str | None,
                                          three_generations: str | None) -> None:
    """seed 001, 第二十一条(四) 近姻亲: the three named readings, each as documented."""
    for reading, expected in (("practice", practice), ("first_degree", first_degree),
                              ("three_generations", three_generations)):
        assert category(IN_LAWS, person, reading=reading) == expected, reading


@pytest.mark.parametrize(("person", "civil", "criminal", "admin", "cadre"), [
    ("dad", True, True, True, True), ("kid", True, True, True, True),
    ("sis", True, True, True, True),
    ("g1", True, False, True, True), ("grandkid", True, False, True, True),
    ("uncle", False, False, False, True), ("niece", False, False, False, True),
    ("cousin", False, False, False, True), ("gg", False, False, False, True),
    ("cousin_kid", False, False, False, False),
])
def test_seed003_near_relatives_per_reading(person: str, civil: bool, criminal: bool,
                                            admin: bool, cadre: bool) -> None:
    """seed 003, 四(二)5 近亲属: Civil Code art. 1045, Criminal Procedure Law art. 108, the
    administrative-litigation interpretation, and the cadre-avoidance list, each by name."""
    for reading, expected in (("civil_code", civil), ("criminal_procedure", criminal),
                              ("administrative_litigation", admin), ("cadre_avoidance", cadre)):
        assert (category(TREE, person, SEED003, reading) is not None) == expected, reading


def test_seed003_support_tie_only_under_administrative_litigation() -> None:
    """seed 003, 四(二)5: 其他具有扶养、赡养关系的亲属 is in the administrative-litigation reading only."""
    kin = Kinship.build(["m", "ward"], [Tie("m", "support", "ward")])
    assert [r.reading for rd in SEED003.readings
            for r in recusals(kin, ["m"], ["ward"], SEED003, rd.name)] == ["administrative_litigation"]


def test_default_reading_is_named_and_not_the_narrowest() -> None:
    """seed 003, 四(二)5: the default reading (civil_code) is named in every result and is
    wider than the narrowest (criminal_procedure)."""
    found = recusals(TREE, ["me"], ["g1"], SEED003)
    assert [r.reading for r in found] == ["civil_code"]
    assert recusals(TREE, ["me"], ["g1"], SEED003, "criminal_procedure") == []


def test_siblings_share_recorded_parents() -> None:
    """A sibling tie is a full sibling: the father's brother's child is a first cousin (seed
    001, 三代以内旁系血亲), through a parent inferred for the brother."""
    kin = Kinship.build(["me", "dad", "bro", "c", "gp"],
                        [parent("dad", "me"), Tie("bro", "sibling", "dad"), parent("bro", "c"),
                         parent("gp", "dad")])
    (r,) = recusals(kin, ["me"], ["c"], SEED001)
    assert (r.category, r.relation) == ("三代以内旁系血亲", "first cousin")
    assert "gp" in kin.graph.predecessors("bro")  # inferred: siblings share their parents


def test_a_siblings_sibling_is_a_sibling() -> None:
    """seed 003, 四(二)5 under criminal_procedure (同胞兄弟姊妹): siblings recorded in a chain
    a-b, b-c make a and c siblings, through an inferred tie."""
    kin = Kinship.build("abc", [Tie("a", "sibling", "b"), Tie("b", "sibling", "c")])
    (r,) = recusals(kin, ["a"], ["c"], SEED003, "criminal_procedure")
    assert (r.relation, r.path, r.inferred) == ("sibling", ("a", "c"), True)


@pytest.mark.parametrize(("ties", "message"), [
    ([parent("a", "b"), parent("b", "a")], "the parent ties form a cycle"),
    ([Tie("a", "spouse", "a")], "tied to himself"),
    ([Tie("a", "spouse", "zz")], "unknown person 'zz'"),
    ([Tie("a", "cousin", "b")], "unknown relation 'cousin'"),
    ([parent("a", "c"), parent("b", "c"), parent("d", "e"), Tie("c", "sibling", "e")],
     "has 3 parents"),
])
def test_inconsistent_graphs_are_one_line_errors(ties: list[Tie], message: str) -> None:
    with pytest.raises(KinshipError) as err:
        Kinship.build("abcde", ties)
    assert message in str(err.value) and "\n" not in str(err.value) and "(fix: " in str(err.value)


def test_unknown_institution_and_reading() -> None:
    with pytest.raises(KinshipError, match="no recusal clause over relatives"):
        rule_for("xiuzhou_district")
    with pytest.raises(KinshipError, match="no kinship reading 'loose'"):
        recusals(TREE, ["me"], ["dad"], SEED003, "loose")


# ---- property tests ---------------------------------------------------------------------

@st.composite
def families(draw: st.DrawFn) -> Kinship:
    """A random family of up to 9 people: parents chosen among earlier people (a DAG with at
    most two parents each), a few marriages."""
    n = draw(st.integers(2, 9))
    ties = []
    for child in range(1, n):
        for p in draw(st.lists(st.integers(0, child - 1), max_size=2, unique=True)):
            ties.append(parent(f"p{p}", f"p{child}"))
    for a, b in draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                              max_size=3)):
        if a != b:
            ties.append(Tie(f"p{a}", "spouse", f"p{b}"))
    return Kinship.build([f"p{i}" for i in range(n)], ties)


def _blood_oracle(kin: Kinship, a: str, b: str) -> tuple[bool, bool]:
    """(lineal, collateral within three generations) from the definitions: lineal is an
    ancestor or a descendant; 三代以内旁系 is not lineal and shares a common ancestor at most
    two steps up from each (each person counting as the first generation)."""
    g = nx.DiGraph([(u, v) for u, v, k in kin.graph.edges(keys=True) if k == "parent"])
    g.add_nodes_from(kin.people)
    up = nx.reverse_view(g)
    da = nx.single_source_shortest_path_length(up, a, cutoff=2)
    db = nx.single_source_shortest_path_length(up, b, cutoff=2)
    lineal = nx.has_path(g, a, b) or nx.has_path(g, b, a)
    return lineal, not lineal and any(x in db for x in da if x not in (a, b))


@settings(max_examples=60, deadline=None)
@given(families())
def test_blood_relations_match_their_definitions(kin: Kinship) -> None:
    """seed 001, 第二十一条(四) 直系血亲 and 三代以内旁系血亲: the path reading equals the
    ancestor definitions on random family trees."""
    for a, b in itertools.permutations(kin.people, 2):
        shapes = [r.shape[0] for r in kin.relations(a, b) if len(r.shape) == 1
                  and isinstance(r.shape[0], tuple)]
        lineal = any(0 in s for s in shapes)
        collateral = not lineal and any(1 <= s[0] <= 2 and 1 <= s[1] <= 2 for s in shapes)
        assert (lineal, collateral) == _blood_oracle(kin, a, b), (a, b)


@settings(max_examples=60, deadline=None)
@given(families())
def test_readings_nest_as_documented(kin: Kinship) -> None:
    """seed 003: criminal_procedure ⊆ civil_code ⊆ administrative_litigation ⊆ cadre_avoidance
    ∪ support; seed 001: first_degree ⊆ practice ∩ three_generations; every result names its
    reading and clause."""
    people = list(kin.people)

    def pairs(rule, reading: str) -> set[tuple[str, str]]:
        found = recusals(kin, people, people, rule, reading)
        assert all(r.reading == reading and r.cite == rule.cite for r in found)
        return {(r.member, r.person) for r in found}

    crim, civil, admin, cadre = (pairs(SEED003, r) for r in (
        "criminal_procedure", "civil_code", "administrative_litigation", "cadre_avoidance"))
    assert crim <= civil <= admin <= cadre  # no support ties in these families
    first, practice, wide = (pairs(SEED001, r) for r in ("first_degree", "practice",
                                                         "three_generations"))
    assert first <= practice and first <= wide
    assert cadre == practice  # seed 003's widest reading is seed 001's list
