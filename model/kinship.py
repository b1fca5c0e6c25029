"""Kinship: who is related to whom, and who must recuse (回避) as each seed words it.

A :class:`Kinship` is a graph of people (networkx) with four kinds of tie: ``spouse``,
``parent`` (directed: parent to child), ``sibling`` and ``support`` (扶养、赡养关系, used by one
reading of 近亲属 only).  In-laws are derived through ``spouse`` ties, never recorded.

Invariants (checked at construction, errors name the tie ``kin[i]``):

* no tie joins a person to himself; every tie names a known person;
* ``parent`` ties form no cycle (nobody is his own ancestor);
* a recorded ``sibling`` is a full sibling (同胞): siblings share every recorded parent, so
  a parent recorded for one is a parent of all (inferred ties are marked as such); after
  this, nobody has more than two parents (record half-siblings through their one common
  parent, not as siblings).

Relations are *shapes*: the path from a member to a person read as blood segments
``(u, d)`` (``u`` generations up to a common ancestor, then ``d`` down; a sibling step is
one up and one down) and ``M`` (a marriage).  ``('M', (1, 0))`` is the spouse's parent,
``((2, 2),)`` a first cousin, ``((0, 1), 'M', (1, 0))`` a child's spouse's parent.

**三代以内旁系血亲** (collateral blood relatives within three generations), the usual
reading of Chinese law: two people who are not lineal relatives and share a common
ancestor within three generations, counting each person as the first generation; that is
``1 <= u <= 2`` and ``1 <= d <= 2``: siblings (1, 1), uncles and aunts (2, 1), nephews and
nieces (1, 2), first cousins (2, 2).  Out: a first cousin once removed (2, 3) or (3, 2),
a second cousin (3, 3), a great-uncle (3, 1).

Both clauses bind the people at the meeting (与会人员 / 参会人员); only members are modelled
(a non-voting attendee, 列席, changes no count).  Seed 001's list opens with 包括 (includes):
the model reads it as the whole list.

Each seed's rule is a :class:`RecusalRule` with named :class:`KinReading` s; every
:class:`Recusal` names the reading it was found under, and the default reading is never
silently the most permissive one (the CLI shows them all).

Examples
--------
>>> k = Kinship.build(["li", "wife", "wife_mother", "cousin", "uncle", "grandpa", "dad"], [
...     Tie("li", "spouse", "wife"), Tie("wife_mother", "parent", "wife"),
...     Tie("dad", "parent", "li"), Tie("grandpa", "parent", "dad"),
...     Tie("grandpa", "parent", "uncle"), Tie("uncle", "parent", "cousin")])
>>> [r.relation for r in k.relations("li", "cousin")]
['first cousin']
>>> r = recusals(k, ["li"], ["wife_mother", "cousin"], RULES["prefecture_medical_security_party_group"])
>>> [(x.member, x.person, x.category, x.reading) for x in r]  # doctest: +NORMALIZE_WHITESPACE
[('li', 'wife_mother', '近姻亲', 'practice'), ('li', 'cousin', '三代以内旁系血亲', 'practice')]
>>> r[0].path, r[0].steps
(('li', 'wife', 'wife_mother'), ('spouse', 'parent'))
>>> [x.person for x in recusals(k, ["li"], ["wife_mother", "cousin"], RULES["taobei_district_government"])]
[]
>>> [(x.person, x.relation) for x in recusals(k, ["li"], ["wife_mother", "cousin", "grandpa"],
...      RULES["taobei_district_government"], "civil_code")]
[('grandpa', 'grandparent')]
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import networkx as nx

from model.errors import QuorumlabError

__all__ = ["KinshipError", "Tie", "TIE_KINDS", "Kinship", "Shape", "Relation", "Category",
           "KinReading", "RecusalRule", "Recusal", "RULES", "recusals", "rule_for",
           "relation_name", "MAX_STEPS"]

TIE_KINDS = ("spouse", "parent", "child", "sibling", "support")
"""What a recorded tie says: ``person`` is the ``spouse``/``parent``/``child``/``sibling`` of
``of``, or ``support``: one supports the other (扶养、赡养).  ``child`` is stored as the
reverse ``parent`` tie."""

MAX_STEPS = 6
"""The longest path read as a relation (a spouse's first cousin's spouse is six steps);
lineal blood relatives are found at any distance."""

Segment = tuple[int, int]
Shape = tuple["Segment | str", ...]
_STEP_NAMES = {"P": "parent", "C": "child", "S": "sibling", "M": "spouse", "D": "support"}


class KinshipError(QuorumlabError, ValueError):
    """A kinship graph is inconsistent (a cycle of parents, a tie to oneself, ...)."""


@dataclass(frozen=True)
class Tie:
    """One recorded tie: ``person`` is the ``relation`` of ``of``.

    >>> Tie("a", "child", "b").normal()
    Tie(person='b', relation='parent', of='a')
    """

    person: str
    relation: str
    of: str

    def normal(self) -> Tie:
        """The same tie with ``child`` turned into ``parent``."""
        return Tie(self.of, "parent", self.person) if self.relation == "child" else self


@dataclass(frozen=True)
class Relation:
    """How ``person`` is related to ``member``: the path of people and the step kinds."""

    member: str
    person: str
    shape: Shape
    path: tuple[str, ...]
    steps: tuple[str, ...]
    inferred: bool = False  # the path uses a parent tie inferred from a sibling tie

    @property
    def relation(self) -> str:
        return relation_name(self.shape)


def relation_name(shape: Shape) -> str:
    """English name of a relation shape, read from the member's side.

    >>> relation_name(((2, 2),)), relation_name(("M", (1, 1), "M")), relation_name(((0, 3),))
    ('first cousin', "spouse's sibling's spouse", 'descendant (3 generations down)')
    >>> relation_name(()), relation_name(((2, 3),))
    ('self', 'collateral relative (2 up, 3 down)')
    """
    names = {(1, 0): "parent", (2, 0): "grandparent", (0, 1): "child", (0, 2): "grandchild",
             (1, 1): "sibling", (2, 1): "uncle or aunt", (1, 2): "nephew or niece",
             (2, 2): "first cousin", (3, 3): "second cousin"}

    def one(part: Segment | str) -> str:
        if isinstance(part, str):
            return {"M": "spouse", "D": "supported or supporting relative"}[part]
        u, d = part
        if part in names:
            return names[part]
        if d == 0:
            return f"ancestor ({u} generations up)"
        if u == 0:
            return f"descendant ({d} generations down)"
        return f"collateral relative ({u} up, {d} down)"

    return "'s ".join(one(p) for p in shape) or "self"


def _shape(word: str) -> Shape | None:
    """The shape of a step word (P up, C down, S sibling, M spouse, D support), or None if
    the word is no relation (a blood part must go up, then across at most once, then down;
    at most two marriages, never two in a row; ``D`` only alone)."""
    if "D" in word:
        return ("D",) if word == "D" else None
    parts = word.split("M")
    if len(parts) > 3 or any(p == "" for p in parts[1:-1]):
        return None
    shape: list[Segment | str] = []
    for k, part in enumerate(parts):
        if k:
            shape.append("M")
        if not part:
            continue
        ups, rest = len(part) - len(part.lstrip("P")), part.lstrip("P")
        side, downs = len(rest) - len(rest.lstrip("S")), rest.lstrip("S")
        if downs.strip("C") or side > 1:
            return None
        shape.append((ups + side, len(downs) + side))
    return tuple(shape)


class Kinship:
    """A graph of people and their ties (see the module docstring for its invariants).

    ``graph`` is a :class:`networkx.MultiDiGraph`: a ``parent`` edge runs parent to child;
    ``spouse``, ``sibling`` and ``support`` ties are stored in both directions.
    """

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        self._parents = nx.DiGraph([(a, b) for a, b, k in graph.edges(keys=True) if k == "parent"])
        self._parents.add_nodes_from(graph.nodes)
        self._reach: dict[str, dict[str, list[Relation]]] = {}

    @classmethod
    def build(cls, people: Iterable[str], ties: Iterable[Tie], field: str = "kin") -> Kinship:
        """Check the ties (errors name ``field[i]``) and build the graph."""
        g = nx.MultiDiGraph()
        g.add_nodes_from(people)
        known = ", ".join(sorted(map(str, g.nodes)))
        for i, raw in enumerate(ties):
            where = f"{field}[{i}]"
            if raw.relation not in TIE_KINDS:
                raise KinshipError(f"{where}.relation", f"unknown relation {raw.relation!r}",
                                   fix=f"use one of {', '.join(TIE_KINDS)}")
            for who in (raw.person, raw.of):
                if who not in g:
                    raise KinshipError(where, f"unknown person {who!r}",
                                       fix=f"list them under [[people]] or use one of {known}")
            if raw.person == raw.of:
                raise KinshipError(where, f"{raw.person!r} is tied to himself",
                                   fix="name two different people")
            t = raw.normal()
            if t.relation == "parent":
                g.add_edge(t.person, t.of, key="parent", inferred=False, field=where)
            else:
                g.add_edge(t.person, t.of, key=t.relation, inferred=False, field=where)
                g.add_edge(t.of, t.person, key=t.relation, inferred=False, field=where)
        _share_parents(g)
        parents = nx.DiGraph([(a, b) for a, b, k in g.edges(keys=True) if k == "parent"])
        if not nx.is_directed_acyclic_graph(parents):
            cycle = [a for a, _ in nx.find_cycle(parents)]
            raise KinshipError(field, f"the parent ties form a cycle: {' -> '.join(cycle)}",
                               fix="nobody is his own ancestor: correct the parent/child ties")
        for person in parents:
            if parents.in_degree(person) > 2:
                raise KinshipError(field, f"{person!r} has {parents.in_degree(person)} parents "
                                   "once siblings share their parents",
                                   fix="a sibling tie means a full sibling; record half-siblings "
                                   "through their one common parent instead")
        return cls(g)

    @property
    def people(self) -> tuple[str, ...]:
        return tuple(self.graph.nodes)

    def __repr__(self) -> str:
        ties = sorted({(a, k, b) if k == "parent" else (min(a, b), k, max(a, b))
                       for a, b, k, d in self.graph.edges(keys=True, data="inferred") if not d})
        return f"Kinship(people={list(self.people)}, ties={ties})"

    def _steps(self, person: str) -> Iterator[tuple[str, str, bool]]:
        """(step letter, next person, inferred) for every tie from ``person``."""
        for _, nxt, kind, data in self.graph.out_edges(person, keys=True, data=True):
            letter = {"parent": "C", "spouse": "M", "sibling": "S", "support": "D"}[kind]
            yield letter, nxt, data["inferred"]
        for prev, _, kind, data in self.graph.in_edges(person, keys=True, data=True):
            if kind == "parent":
                yield "P", prev, data["inferred"]

    def relations(self, member: str, person: str,
                  accept: Callable[[Shape], bool] = lambda s: True) -> list[Relation]:
        """Every way ``person`` is related to ``member`` whose shape ``accept`` takes: each
        shape once, by its shortest path; lineal blood relatives at any distance.

        >>> k = Kinship.build("abcd", [Tie("a", "parent", "b"), Tie("b", "parent", "c"),
        ...                            Tie("c", "parent", "d")])
        >>> [(r.relation, r.path) for r in k.relations("d", "a")]
        [('ancestor (3 generations up)', ('d', 'c', 'b', 'a'))]
        """
        found: dict[Shape, Relation] = {}
        if member not in self._reach:
            reach: dict[str, list[Relation]] = {}
            for rel in self._walks(member):
                reach.setdefault(rel.person, []).append(rel)
            self._reach[member] = reach
        for rel in [*self._lineal_paths(member, person), *self._reach[member].get(person, [])]:
            if accept(rel.shape):
                found.setdefault(rel.shape, rel)
        if member == person and accept(()):
            found[()] = Relation(member, person, (), (member,), ())
        return sorted(found.values(), key=lambda r: (len(r.path), r.relation))

    def _lineal_paths(self, member: str, person: str) -> Iterator[Relation]:
        for up, (a, b) in ((True, (person, member)), (False, (member, person))):
            if a != b and nx.has_path(self._parents, a, b):
                chain = nx.shortest_path(self._parents, a, b)
                path = tuple(reversed(chain)) if up else tuple(chain)
                d = len(path) - 1
                yield Relation(member, person, ((d, 0),) if up else ((0, d),), path,
                               ("parent" if up else "child",) * d,
                               self._inferred(chain))

    def _inferred(self, chain: Sequence[str]) -> bool:
        return any(self.graph.edges[a, b, "parent"]["inferred"] for a, b in itertools.pairwise(chain))

    def _walks(self, member: str) -> Iterator[Relation]:
        """Every simple path from ``member`` of at most :data:`MAX_STEPS` steps whose word is
        a relation, shortest first (a prefix of a relation word is one too, so this prunes)."""
        frontier = [((member,), "", False)]
        for _ in range(MAX_STEPS):
            nxt = []
            for path, word, inferred in frontier:
                for letter, person, inf in self._steps(path[-1]):
                    shape = _shape(word + letter)
                    if person in path or shape is None:
                        continue
                    item = (path + (person,), word + letter, inferred or inf)
                    nxt.append(item)
                    yield Relation(member, person, shape, item[0],
                                   tuple(_STEP_NAMES[c] for c in item[1]), item[2])
            frontier = nxt


def _share_parents(g: nx.MultiDiGraph) -> None:
    """Full siblings share their parents, and a sibling's sibling is a sibling: copy each
    recorded parent to every sibling, and tie every two siblings of a group."""
    sib = nx.Graph([(a, b) for a, b, k in g.edges(keys=True) if k == "sibling"])
    for group in nx.connected_components(sib):
        parents = {p for child in group for p, _, k in g.in_edges(child, keys=True) if k == "parent"}
        for child in group:
            for p in parents:
                if not g.has_edge(p, child, "parent"):
                    g.add_edge(p, child, key="parent", inferred=True, field="")
        for a, b in itertools.permutations(group, 2):
            if not g.has_edge(a, b, "sibling"):
                g.add_edge(a, b, key="sibling", inferred=True, field="")


# ------------------------------------------------------------------ readings of the seeds
def _lineal(s: Segment | str, most: int | None = None) -> bool:
    return isinstance(s, tuple) and (s[0] == 0) != (s[1] == 0) and (most is None or max(s) <= most)


def _collateral3(s: Segment | str) -> bool:
    return isinstance(s, tuple) and 1 <= s[0] <= 2 and 1 <= s[1] <= 2


def _near3(s: Segment | str) -> bool:
    """A blood relative within three generations: lineal up to grandparents and
    grandchildren, or collateral within three generations."""
    return _lineal(s, 2) or _collateral3(s)


@dataclass(frozen=True)
class Category:
    """One kind of relative a clause names (``term`` is the clause's own word)."""

    term: str
    test: Callable[[Shape], bool]
    describe: str


SELF = Category("本人", lambda s: s == (), "the member himself")
SPOUSE = Category("夫妻关系", lambda s: s == ("M",), "spouse")


@dataclass(frozen=True)
class KinReading:
    """One named reading of a clause's relatives: the categories it names, and its source."""

    name: str
    categories: tuple[Category, ...]
    source: str

    def category(self, shape: Shape) -> Category | None:
        return next((c for c in self.categories if c.test(shape)), None)


@dataclass(frozen=True)
class RecusalRule:
    """An institution's recusal clause over kinship, with its named readings (default
    first).  ``open_term`` is the phrase the readings read differently."""

    institution: str
    cite: str
    quote: str
    open_term: str
    readings: tuple[KinReading, ...]

    def reading(self, name: str | None) -> KinReading:
        if name is None:
            return self.readings[0]
        for r in self.readings:
            if r.name == name:
                return r
        raise KinshipError("reading", f"{self.institution} has no kinship reading {name!r}",
                           fix=f"use one of {', '.join(r.name for r in self.readings)}")


def _one(segments: set[Segment]) -> Callable[[Shape], bool]:
    """A plain blood relation: one segment, in ``segments``."""
    return lambda s: len(s) == 1 and s[0] in segments


def _practice(s: Shape) -> bool:
    """近姻亲 as civil-service avoidance practice lists it: 配偶的父母、配偶的兄弟姐妹及其配偶、
    子女的配偶及子女配偶的父母、三代以内旁系血亲的配偶."""
    return s in {("M", (1, 0)), ("M", (1, 1)), ("M", (1, 1), "M"), ((0, 1), "M"),
                 ((0, 1), "M", (1, 0))} or (len(s) == 2 and s[1] == "M" and _collateral3(s[0]))


def _first_degree(s: Shape) -> bool:
    """近姻亲 read narrowly: 配偶的父母、配偶的兄弟姐妹、子女的配偶."""
    return s in {("M", (1, 0)), ("M", (1, 1)), ((0, 1), "M")}


def _three_generations(s: Shape) -> bool:
    """近姻亲 read widely: 配偶的血亲、血亲的配偶、配偶的血亲的配偶, each blood tie within three
    generations."""
    if len(s) == 2:
        return (s[0] == "M" and _near3(s[1])) or (s[1] == "M" and _near3(s[0]))
    return len(s) == 3 and s[0] == s[2] == "M" and _near3(s[1])


_BLOOD001 = (
    SELF, SPOUSE,
    Category("直系血亲", lambda s: len(s) == 1 and _lineal(s[0]),
             "lineal blood relatives at any distance (parents, grandparents, ..., children, "
             "grandchildren, ...)"),
    Category("三代以内旁系血亲", lambda s: len(s) == 1 and _collateral3(s[0]),
             "siblings, uncles and aunts, nephews and nieces, first cousins"),
)
_PRACTICE = KinReading(
    "practice", (*_BLOOD001, Category("近姻亲", _practice, _practice.__doc__ or "")),
    "the list used in civil-service avoidance practice (公务员法 art. 74 names the same four "
    "kinds of tie); an open reading: the seed does not define 近姻亲")
_CIVIL = {(1, 0), (0, 1), (1, 1), (2, 0), (0, 2)}
RULES: dict[str, RecusalRule] = {
    "prefecture_medical_security_party_group": RecusalRule(
        "prefecture_medical_security_party_group", "seed 001, 第二十一条(四)",
        "党组会议议题涉及与会人员本人及其亲属的(亲属关系包括夫妻关系、直系血亲关系、三代以内旁系血亲"
        "以及近姻亲关系),本人必须回避", "近姻亲", (
            _PRACTICE,
            KinReading("first_degree", (*_BLOOD001, Category("近姻亲", _first_degree,
                                                            _first_degree.__doc__ or "")),
                       "the narrowest reading: in-laws one marriage and one blood step away"),
            KinReading("three_generations", (*_BLOOD001, Category(
                "近姻亲", _three_generations, _three_generations.__doc__ or "")),
                "the widest reading: every in-law (姻亲) whose blood tie is within three "
                "generations, as 三代以内 bounds the blood relatives"),
        )),
    "taobei_district_government": RecusalRule(
        "taobei_district_government", "seed 003, 四(二)5",
        "会议讨论和决定干部任免事项,涉及参会人员本人及其近亲属的,本人应当回避", "近亲属", (
            KinReading("civil_code", (SELF, SPOUSE, Category(
                "近亲属", _one(_CIVIL), "父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女")),
                "Civil Code art. 1045: 配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女"),
            KinReading("criminal_procedure", (SELF, SPOUSE, Category(
                "近亲属", _one({(1, 0), (0, 1), (1, 1)}), "父、母、子、女、同胞兄弟姊妹")),
                "Criminal Procedure Law art. 108: 夫、妻、父、母、子、女、同胞兄弟姊妹 (the narrowest; "
                "同胞 is read as any sibling: a half-sibling through one recorded parent counts)"),
            KinReading("administrative_litigation", (SELF, SPOUSE, Category(
                "近亲属", lambda s: s == ("D",) or _one(_CIVIL)(s),
                "the Civil Code list and 其他具有扶养、赡养关系的亲属 (recorded as support ties)")),
                "the Supreme People's Court interpretation of the Administrative Litigation Law "
                "(2018) art. 14: the Civil Code list plus relatives with a support relationship"),
            KinReading("cadre_avoidance", _PRACTICE.categories,
                       "the 亲属 list of cadre avoidance (夫妻、直系血亲、三代以内旁系血亲、近姻亲, "
                       "as seed 001 writes it out, 近姻亲 read as practice), the widest"),
        )),
}
"""The recusal clauses that name relatives, by institution id (seeds 001 and 003; the
other seeds have no recusal clause).  Which matters the clause reaches is the rule
file's ``recusal`` field."""


def rule_for(institution: str) -> RecusalRule:
    """The kinship recusal rule of ``institution``, or a one-line error."""
    if institution not in RULES:
        raise KinshipError("institution", f"{institution!r} has no recusal clause over relatives",
                           fix=f"use one of {', '.join(RULES)}")
    return RULES[institution]


@dataclass(frozen=True)
class Recusal:
    """A member who must recuse: the involved person, the relation and its path, the clause
    term it falls under, the clause and the reading."""

    member: str
    person: str
    relation: str
    category: str
    path: tuple[str, ...]
    steps: tuple[str, ...]
    cite: str
    reading: str
    inferred: bool = False

    def describe(self) -> str:
        chain = self.path[0] + "".join(f" -{s}-> {p}" for s, p in zip(self.steps, self.path[1:], strict=True))
        return (f"{self.member} recuses: {self.person} is his {self.relation} ({self.category}; "
                f"{chain}) [{self.cite}; reading {self.reading}]")


def recusals(kin: Kinship, members: Iterable[str], involved: Iterable[str], rule: RecusalRule,
             reading: str | None = None, field: str = "involved") -> list[Recusal]:
    """Who among ``members`` must recuse when ``involved`` people are involved, under one
    reading (default: the rule's first): one :class:`Recusal` per (member, involved person),
    by the shortest path of the first category that takes it.  An unknown person is an
    error naming ``field``."""
    r = rule.reading(reading)
    members, involved = list(members), list(involved)
    for name, people in ((field, involved), ("members", members)):
        for p in people:
            if p not in kin.graph:
                raise KinshipError(name, f"unknown person {p!r}",
                                   fix="name a member or a related person: "
                                   + ", ".join(sorted(map(str, kin.graph.nodes))))
    out = []
    for m in members:
        for p in involved:
            rels = kin.relations(m, p, lambda s: r.category(s) is not None)
            if rels:
                best = rels[0]
                cat = r.category(best.shape)
                assert cat is not None
                out.append(Recusal(m, p, best.relation, cat.term, best.path, best.steps,
                                   rule.cite, r.name, best.inferred))
    return out
