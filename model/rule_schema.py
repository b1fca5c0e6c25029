"""The shape of a rule file (``model/institutions/*.toml``), as strict and closed pydantic models.

:func:`parse_rule_file` checks the raw TOML data: every table, key, type, enum and range,
and every threshold phrase.  What needs the whole file (a body's matters must be defined,
an override names a matter or a group, routes name bodies, every field is set once the
layers are folded) is :mod:`model.loader`'s.

A rule field is written in one of three ways, told apart by its keys:

* an *entry*: the value and its citation, ``{ value = "required", cite = "seed 001, ..." }``
  (a threshold field writes ``phrase`` or ``num``/``den``/``strict`` instead of ``value``);
* an *open point*: ``{ kind = "vague", cite = ..., readings = [{ name = ..., value = ... }, ...] }``
  (it has ``readings``; its ``kind`` is the point's, a deferral reading's ``kind`` is the
  deferral's);
* for a cumulative field (``quorum``, ``passing``), also a list of entries and points.

Examples
--------
>>> from model.errors import RuleFileError
>>> head = {"id": "x", "name": "X", "name_zh": "X", "seed": "000", "source": "s"}
>>> body = {"name": "B", "name_zh": "B", "cite": "c"}
>>> def rule_file(**defaults):
...     return {"institution": head, "matters": {"m": {"name": "M", "name_zh": "M", "cite": "c"}},
...             "bodies": {"b": body}, "defaults": defaults}
>>> parse_rule_file(rule_file(quorum={"phrase": "三分之二以上", "cite": "c"})).defaults.quorum.rule()
Share(num=2, den=3, strict=False)
>>> parse_rule_file(rule_file(deferral={"kind": "margin", "cite": "c",
...                                     "emergency_overrides": "false"}), "x.toml")
Traceback (most recent call last):
...
model.errors.RuleFileError: x.toml: field 'defaults.deferral.emergency_overrides': should be true or false, got 'false' (fix: write emergency_overrides = true or false, without quotes)
>>> parse_rule_file(rule_file(quorum={"num": 2, "den": 10**30, "cite": "c"}))
Traceback (most recent call last):
...
model.errors.RuleFileError: field 'defaults.quorum.den': should be less than or equal to 1000, got 1000000000000000000000000000000 (fix: write the share with a denominator of at most 1000, e.g. num = 2, den = 3)
>>> parse_rule_file(rule_file(passing={"readings": [{"name": "a", "phrase": "超过半数"}]}))
Traceback (most recent call last):
...
model.errors.RuleFileError: field 'defaults.passing.readings': needs at least two named readings, got 1 (fix: list each reading as { name = ..., value = ..., cite = ... }, or write the field as one entry)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    AfterValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    create_model,
    field_validator,
    model_validator,
)

from model.errors import RuleFileError, ThresholdError
from model.rules import CUMULATIVE, ENUMS, RULE_FIELDS, Base, Deferral, Passing
from model.schema import Strict, check, fail, json_schema
from model.thresholds import Ambiguous, Bound, Share, parse_threshold

__all__ = ["RuleFile", "RuleFields", "parse_rule_file", "rule_file_json_schema", "MAX_DEN",
           "MAX_MARGIN", "MAX_AMOUNT", "POINT_KINDS", "EXPECTATIONS"]

MAX_DEN = 1000
"""The largest denominator (and so numerator) of a ``num``/``den`` share.

Every share in the seeds has a denominator of 2, 3 or 4.  The backends multiply ``den`` by
a head count (``den * present >= num * due``); numpy does it in 64-bit integers, where a
``den`` past int64 raises ``OverflowError`` and one just under it wraps around silently,
while Python and Z3 stay exact: the backends of the one semantics would disagree.  1000
keeps ``den * members`` far inside int64 for every board the ``board_members`` limit
allows, and is past any fraction a rule text writes."""

MAX_MARGIN = 1000
"""The largest ``at_most`` of a margin deferral: the difference of two head counts, which
no board under the ``board_members`` limit can make meaningful past this (and numpy
compares it in 64-bit integers)."""

MAX_AMOUNT = 10**15
"""The largest money limit an amount phrase may state: 一千万亿元, far past any public body's
budget (a larger one is a typo), and under 2**53, so the limit stays exact in every JSON
reader of ``--json`` output (JavaScript numbers are doubles)."""

POINT_KINDS = ("unspecified", "vague", "clauses")
"""What an open point records: silence, a vague phrase, or clauses that disagree."""

EXPECTATIONS = ("holds", "fails", "vacuous", "n/a")
"""The verdicts ``[known_findings]`` may expect of a property."""

_SHARE_FIX = "use a share such as 三分之二以上 for quorum and passing"
_AMOUNT_FIX = "use an amount such as 5000元及以上 or 超过2万元"
_ONE_WORD_FIX = "write one word: 超过 (strict) or 以上/及以上 (inclusive)"


Cite = Annotated[str, Field(min_length=1, json_schema_extra={
    "fix": 'cite the clause, e.g. cite = "seed 001, 第二十一条(四)"'})]
"""A clause citation: never empty."""


_NAME = re.compile(r"[^\s=@/,]+")


def _usable(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise fail(f"{name!r} is not a usable name",
                   "write a name without spaces, '=', '@', '/' or ',' (e.g. margin_1)")
    return name


Name = Annotated[str, AfterValidator(_usable), Field(json_schema_extra={
    "pattern": f"^{_NAME.pattern}$"})]
"""An id a command line or a ``[known_findings]`` key names: ``--reading POINT=NAME``,
``--body``, ``PROPERTY@BODY/MATTER``; so no space, ``=``, ``@``, ``/`` or ``,`` in it."""


def _threshold(phrase: str, want: type) -> Share | Bound | Ambiguous:
    """``phrase`` read by :func:`~model.thresholds.parse_threshold`, of the kind ``want``."""
    try:
        t = parse_threshold(phrase)
    except ThresholdError as err:
        raise fail(err.message, err.fix or "") from None
    readings = t.readings if isinstance(t, Ambiguous) else (t,)
    if not all(isinstance(r, want) for r in readings):
        raise fail(f"{phrase!r} is not a{'n amount' if want is Bound else ' share'} threshold",
                   _AMOUNT_FIX if want is Bound else _SHARE_FIX + ", an amount such as "
                   "5000元及以上 for money limits")
    return t


def _unambiguous(t: Share | Bound | Ambiguous, what: str, fix: str = "") -> Share | Bound:
    """``t`` unless it mixes 以上 and 超过: only a plain quorum or passing entry may (it
    becomes an open point with both readings); ``what`` is what must be exact here."""
    if isinstance(t, Ambiguous):
        raise fail(f"{t.why}, so {what} is ambiguous", _ONE_WORD_FIX + fix)
    return t


class _Deferred(Strict):
    """Build the validators once, for the whole file, on first use (not one model at a time
    at import: the command line starts faster)."""

    model_config = ConfigDict(defer_build=True)


# ---------------------------------------------------------------------------- value shapes
class _ShareShape(_Deferred):
    """A share threshold: ``phrase`` or ``num``/``den``/``strict``.  Subclasses say whether
    a phrase that mixes 以上 and 超过 may stand (it becomes an open point) and whether the
    threshold may be left out (``value = "none"``)."""

    ambiguous_ok: ClassVar[bool] = False
    optional: ClassVar[bool] = False

    phrase: str | None = None
    num: int | None = Field(None, ge=0, le=MAX_DEN, json_schema_extra={
        "fix": f"write the share with a numerator from 0 to den (at most {MAX_DEN})"})
    den: int | None = Field(None, ge=1, le=MAX_DEN, json_schema_extra={
        "fix": f"write the share with a denominator of at most {MAX_DEN}, e.g. num = 2, den = 3"})
    strict: bool | None = None

    @field_validator("phrase")
    @classmethod
    def _reads(cls, phrase: str) -> str:
        t = _threshold(phrase, Share)
        if not cls.ambiguous_ok:
            _unambiguous(t, "the threshold", "; or give each as its own reading")
        return phrase

    @model_validator(mode="after")
    def _one_threshold(self) -> Any:
        if self.num is not None or self.den is not None:
            if self.phrase is not None:
                raise fail("gives both a phrase and num/den", "keep one of them")
            if self.num is None or self.den is None:
                raise fail("num and den go together", "write num = 2, den = 3, strict = false")
            try:
                Share(self.num, self.den, bool(self.strict))
            except ThresholdError as err:
                raise fail(err.message, err.fix or "") from None
        elif self.strict is not None:
            raise fail("strict goes with num/den; a phrase says it with its word",
                       "remove strict, or write num = ..., den = ... with it")
        elif self.phrase is None and not self._none():
            raise fail("has no threshold", 'give phrase = "三分之二以上" or num = 2, den = 3, '
                       "strict = false" + (', or value = "none"' if self.optional else ""))
        return self

    def _none(self) -> bool:
        return False

    def rule(self) -> Share | Ambiguous | None:
        """The threshold (None: ``value = "none"``)."""
        if self.num is not None and self.den is not None:
            return Share(self.num, self.den, bool(self.strict))
        if self.phrase is None:
            return None
        t = parse_threshold(self.phrase)
        assert isinstance(t, Share | Ambiguous)
        return t


class _QuorumShape(_ShareShape):
    optional: ClassVar[bool] = True

    value: Literal["none"] | None = None

    def _none(self) -> bool:
        return self.value == "none"

    @model_validator(mode="after")
    def _none_or_threshold(self) -> Any:
        if self.value is not None and (self.phrase is not None or self.num is not None):
            raise fail('value = "none" leaves the threshold out, yet a threshold is given',
                       'remove value = "none", or remove the threshold')
        return self

    def typed(self) -> Share | Ambiguous | None:
        return self.rule()


class _PassingShape(_QuorumShape):
    base: Literal[tuple(b.value for b in Base)] = "due"  # type: ignore[valid-type]

    def typed(self) -> Passing | Ambiguous | None:
        """The passing rule; an ambiguous phrase keeps both shares (the loader makes a point)."""
        t = self.rule()
        return Passing(t, Base(self.base)) if isinstance(t, Share) else t


class _DeferralShape(_ShareShape):
    kind: Literal["none", "margin", "defer_votes"] = "none"
    at_most: int = Field(0, ge=0, le=MAX_MARGIN, json_schema_extra={"fix": "write at_most = 1"})
    emergency_overrides: bool = False

    def _none(self) -> bool:
        return self.kind != "defer_votes"

    @model_validator(mode="after")
    def _share_only_for_votes(self) -> Any:
        if self.kind != "defer_votes" and (self.phrase is not None or self.num is not None):
            raise fail(f"a deferral of kind {self.kind!r} has no share",
                       "remove the threshold, or write kind = \"defer_votes\"")
        return self

    def typed(self) -> Deferral:
        share = self.rule()
        assert not isinstance(share, Ambiguous)
        return Deferral(self.kind, self.at_most, share, self.emergency_overrides)


class _BoolShape(_Deferred):
    value: bool

    def typed(self) -> bool:
        return self.value


class _ChairCallsShape(_Deferred):
    value: bool | Literal["when_split"]

    def typed(self) -> bool | str:
        return self.value


class _PortfoliosShape(_Deferred):
    value: list[str] = Field(json_schema_extra={"fix": 'write value = ["personnel", "finance"]'})

    def typed(self) -> tuple[str, ...]:
        return tuple(self.value)


class _EnumShape(_Deferred):
    value: str

    def typed(self) -> str:
        return self.value


def _camel(name: str) -> str:
    return "".join(p.title() for p in name.split("_"))


def _shape(name: str) -> type[Strict]:
    """The keys that carry the value of rule field ``name``."""
    fixed = {"quorum": _QuorumShape, "passing": _PassingShape, "deferral": _DeferralShape,
             "chair_calls_vote": _ChairCallsShape, "leader_may_not_own": _PortfoliosShape}
    if name in fixed:
        return fixed[name]
    if name in ENUMS:
        return create_model(f"{_camel(name)}Value", __base__=_EnumShape,
                            value=(Literal[ENUMS[name]], ...))  # type: ignore[valid-type]
    return _BoolShape


# ---------------------------------------------------------------------------- entries, points
class _Cited(_Deferred):
    """The keys of an entry besides its value: the clause, a note, and whether the source is
    silent (the value is then the neutral reading)."""

    cite: Cite
    note: str = ""
    silent: bool = False


class _MayBeAmbiguous(_Deferred):
    """A plain quorum or passing entry: its phrase may mix 以上 and 超过 (then the loader makes
    an open point of the two readings)."""

    ambiguous_ok: ClassVar[bool] = True


class _Cumulative(_Deferred):
    """Keys of a quorum or passing entry in a matter override."""

    id: Name | None = None
    replaces: str | None = None


class _ReadingHead(_Deferred):
    """The keys of one reading besides its value (the point's ``cite`` stands in for its own)."""

    name: Name
    cite: Cite | None = None
    note: str = ""


class _SetHead(_Deferred):
    """The keys of one field a regime reading sets, besides its value (the reading's ``cite``
    stands in for its own)."""

    cite: Cite | None = None
    note: str = ""


_READINGS = {"json_schema_extra": {"fix": "list each reading as { name = ..., value = ..., "
                                          "cite = ... }, or write the field as one entry"}}


class _PointHead(_Deferred):
    """The keys of an open point besides its readings."""

    kind: Literal[POINT_KINDS] = "unspecified"  # type: ignore[valid-type]
    cite: Cite | None = None
    note: str = ""

    @field_validator("readings", mode="before", check_fields=False)
    @classmethod
    def _two(cls, readings: Any) -> Any:
        if isinstance(readings, list) and len(readings) < 2:
            raise fail(f"needs at least two named readings, got {len(readings)}",
                       _READINGS["json_schema_extra"]["fix"])
        return readings

    @field_validator("readings", check_fields=False)
    @classmethod
    def _named(cls, readings: list[Any]) -> list[Any]:
        names = [r.name for r in readings]
        if len(set(names)) != len(names):
            raise fail("reading names repeat", "give each reading its own name")
        return readings

    @model_validator(mode="after")
    def _cited(self) -> Any:
        for r in self.readings:  # type: ignore[attr-defined]
            if not (r.cite or self.cite):
                raise fail(f"reading {r.name!r} has no citation",
                           "cite the clause in the reading, or cite the point")
        return self


def _readings_field(item: type) -> Any:
    return (list[item], Field(min_length=2, **_READINGS))  # type: ignore[valid-type]


def _models(name: str) -> tuple[type[Strict], type[Strict], type[Strict]]:
    """(entry, point, set entry) models of rule field ``name``."""
    shape, camel = _shape(name), _camel(name)
    if name in CUMULATIVE:
        entry = create_model(f"{camel}Entry",
                             __base__=(_MayBeAmbiguous, shape, _Cited, _Cumulative))
        point = create_model(f"{camel}Point", __base__=(_PointHead, _Cumulative),
                             readings=_readings_field(_reading(shape, camel)))
    else:
        entry = create_model(f"{camel}Entry", __base__=(shape, _Cited))
        point = create_model(f"{camel}Point", __base__=_PointHead,
                             readings=_readings_field(_reading(shape, camel)))
    return entry, point, create_model(f"{camel}Set", __base__=(shape, _SetHead))


def _reading(shape: type[Strict], camel: str) -> type[Strict]:
    return create_model(f"{camel}Reading", __base__=(shape, _ReadingHead))


def _is_point(value: Any) -> str:
    """Which form a field is written in: ``list`` (cumulative), ``point`` or ``entry``."""
    if isinstance(value, list):
        return "list"
    return "point" if isinstance(value, dict) and "readings" in value else "entry"


def _field_type(entry: type, point: type, cumulative: bool) -> Any:
    one = Union[Annotated[entry, Tag("entry")], Annotated[point, Tag("point")]]  # noqa: UP007
    if not cumulative:
        return Annotated[one, Discriminator(_is_point)]
    many = list[Annotated[one, Discriminator(_is_point)]]  # type: ignore[valid-type]
    return Annotated[Union[Annotated[entry, Tag("entry")], Annotated[point, Tag("point")],  # noqa: UP007
                           Annotated[many, Tag("list")]], Discriminator(_is_point)]


_MODELS = {name: _models(name) for name in RULE_FIELDS}


class _Ordered(_Deferred):
    """A table of rule fields that remembers the order the file wrote them in: a layer is
    folded in that order (a field a named point sets, then the same field again)."""

    _order: tuple[str, ...] = PrivateAttr(())

    @model_validator(mode="wrap")
    @classmethod
    def _keep_order(cls, data: Any, handler: Any) -> Any:
        table = handler(data)
        if isinstance(data, dict):
            table._order = tuple(data)
        return table

    def items(self) -> Iterator[tuple[str, Any]]:
        """The fields the file sets, in its order."""
        for name in self._order:
            yield name, getattr(self, name)


SetFields = create_model("SetFields", __base__=_Ordered, **{
    name: (models[2] | None, None) for name, models in _MODELS.items()})
"""The fields one reading of a named point sets (a regime)."""


class _MultiReading(_ReadingHead):
    """One reading of a named point: the fields it sets together."""

    set: SetFields = Field(json_schema_extra={"fix": "write set = { field = { value = ... }, ... }"})

    @field_validator("set")
    @classmethod
    def _sets_something(cls, fields: Any) -> Any:
        if not fields._order:
            raise fail("sets no field", "set at least one rule field, e.g. set = { quorum = { "
                       'phrase = "半数以上" } }')
        return fields


class MultiPoint(_PointHead):
    """A named point (``[... .points.ID]``): each reading sets several fields at once."""

    readings: list[_MultiReading] = Field(min_length=2, **_READINGS)  # type: ignore[arg-type]


RuleFields = create_model("RuleFields", __base__=_Ordered, points=(dict[Name, MultiPoint], {}), **{
    name: (_field_type(entry, point, name in CUMULATIVE) | None, None)
    for name, (entry, point, _) in _MODELS.items()})
"""One layer of rules: ``[defaults]``, ``[bodies.B.rules]`` or ``[bodies.B.overrides.M]``."""


# ---------------------------------------------------------------------------- the file
class Head(_Deferred):
    """``[institution]``: who the rules are of, and the seed document they come from."""

    id: str
    name: str
    name_zh: str
    seed: str
    source: str


class RouteAmount(_Deferred):
    """A money limit: ``phrase`` such as 超过2万元 (one threshold word, in yuan)."""

    phrase: str

    @field_validator("phrase")
    @classmethod
    def _reads(cls, phrase: str) -> str:
        bound = _unambiguous(_threshold(phrase, Bound), "the money limit")
        assert isinstance(bound, Bound)
        if bound.unit not in ("", "yuan"):
            raise fail(f"{phrase!r} counts {bound.unit}, not money", _AMOUNT_FIX)
        if bound.limit > MAX_AMOUNT:
            raise fail(f"{phrase!r} is more than {MAX_AMOUNT} yuan", f"{_AMOUNT_FIX}, of at most "
                       "一千万亿元")
        return phrase

    def bound(self) -> Bound:
        t = parse_threshold(self.phrase)
        assert isinstance(t, Bound)
        return t


class MatterAmount(RouteAmount):
    """A matter's money limit, with its clause: an item of the matter must meet it (the
    loader makes it a route of every body deciding the matter, unless routes name one)."""

    cite: Cite


class MatterEntry(_Deferred):
    """A matter category (``[matters.ID]``)."""

    name: str
    name_zh: str
    cite: Cite
    portfolio: str | None = None
    collective: bool = False
    amount: MatterAmount | None = None


_MATTERS_FIX = ('list the matters this body decides, e.g. matters = ["ordinary"], or leave '
                "matters out (every matter)")


class BodyEntry(_Deferred):
    """A deliberating body (``[bodies.ID]``); ``matters`` left out: every matter of the file.
    ``groups`` name sets of its matters, so one override table can serve several."""

    name: str
    name_zh: str
    cite: Cite
    matters: list[str] | None = Field(None, min_length=1, json_schema_extra={"fix": _MATTERS_FIX})
    rules: RuleFields = Field(default_factory=RuleFields)  # type: ignore[valid-type]
    groups: dict[str, list[str]] = {}
    overrides: dict[str, RuleFields] = {}  # type: ignore[valid-type]

    @field_validator("matters", mode="before")
    @classmethod
    def _decides_something(cls, matters: Any) -> Any:
        if matters == []:
            raise fail("lists no matter: a body decides at least one", _MATTERS_FIX)
        return matters


class RouteEntry(_Deferred):
    """One ``[[routes]]`` entry: who must decide an item of ``category`` (of an ``amount``):
    a meeting (``body``) or an individual approval (``decider``)."""

    category: str
    body: str | None = None
    decider: str = ""
    amount: RouteAmount | None = None
    cite: Cite
    note: str = ""

    @model_validator(mode="after")
    def _one_decider(self) -> Any:
        if (self.body is None) == (not self.decider):
            raise fail("needs exactly one of body and decider",
                       'write body = "party_group" (a meeting) or decider = "分管局长" '
                       "(an individual approval)")
        return self


class RunnersEntry(_Deferred):
    """A reading of who must run each portfolio the leader may not run."""

    name: Name
    roles: list[Literal["deputy", "member"]] | None = Field(None, min_length=1, json_schema_extra={
        "fix": 'write roles = ["deputy"] (leave it out: nobody is required to run them)'})
    cite: Cite
    note: str = ""


class FourEyesEntry(_Deferred):
    """A reading of which pairs of those portfolios two different members must run."""

    name: Name
    pairs: list[Annotated[list[str], Field(min_length=2, max_length=2)]] = Field(
        default_factory=list, json_schema_extra={"fix": 'write pairs = [["construction", '
                                                 '"finance"]]'})
    cite: Cite
    note: str = ""


class SeparationEntry(_Deferred):
    """``[separation]``: who must run the portfolios of ``leader_may_not_own`` (四个/五个不直接
    分管), as named readings with citations (the first is the default)."""

    runners: list[RunnersEntry] = Field(min_length=1, json_schema_extra={
        "fix": 'write runners = [{ name = "deputy", roles = ["deputy"], cite = "..." }]'})
    four_eyes: list[FourEyesEntry] = Field(min_length=1, json_schema_extra={
        "fix": 'write four_eyes = [{ name = "none", cite = "..." }]'})


class RuleFile(_Deferred):
    """A whole rule file."""

    institution: Head
    matters: dict[Name, MatterEntry] = Field(min_length=1, json_schema_extra={
        "fix": "define at least one [matters.ID] with name, name_zh and cite"})
    defaults: RuleFields = Field(default_factory=RuleFields)  # type: ignore[valid-type]
    bodies: dict[Name, BodyEntry] = Field(min_length=1, json_schema_extra={
        "fix": "define at least one [bodies.ID] with name, name_zh and cite"})
    routes: list[RouteEntry] = []
    known_findings: dict[str, Literal[EXPECTATIONS]] = {}  # type: ignore[valid-type]
    separation: SeparationEntry | None = None


def parse_rule_file(data: Any, file: str | None = None) -> RuleFile:
    """Check the raw data of a rule file against :class:`RuleFile`; one error, one line."""
    return check(RuleFile, data, RuleFileError, file=file)


def rule_file_json_schema() -> dict[str, Any]:
    """The JSON Schema of a rule file (``docs/schemas/rule-file.schema.json``).

    >>> schema = rule_file_json_schema()
    >>> schema["title"], sorted(schema["required"])
    ('quorumlab rule file', ['bodies', 'institution', 'matters'])
    """
    return json_schema(RuleFile, "quorumlab rule file")
