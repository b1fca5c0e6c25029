"""The shape of every input file, checked by pydantic: strict types, closed tables, one error.

Each file kind (rule, meeting, board, sweep) describes its raw shape as :class:`Strict`
models; :func:`check` validates parsed data against one and turns pydantic's first error
into the project's one-line :class:`~model.errors.QuorumlabError`, naming the field path
and a fix.  Strict means no coercion: ``"false"`` is not ``False``, ``"3"`` is not ``3``,
``1`` is not ``True``.  Closed means an unknown key is an error that lists the keys allowed.

What a schema cannot say (a member id that must name a member, a threshold phrase that must
parse) stays in each file kind's own code; validators there raise :func:`fail`, whose message
and fix reach the user in the same one-line form.

Examples
--------
>>> from typing import Literal
>>> from pydantic import Field
>>> from model.errors import MeetingFileError
>>> class Matter(Strict):
...     category: str
...     emergency: bool = False
...     amount: int | None = Field(None, ge=0, json_schema_extra={"fix": 'write "amount": 6000'})
>>> class Doc(Strict):
...     matter: Matter
...     mode: Literal["vote", "consensus"] = "vote"
>>> check(Doc, {"matter": {"category": "x", "emergency": "false"}}, MeetingFileError)
Traceback (most recent call last):
...
model.errors.MeetingFileError: field 'matter.emergency': should be true or false, got 'false' (fix: write emergency = true or false, without quotes)
>>> check(Doc, {"matter": {"category": "x", "amount": -5}}, MeetingFileError)
Traceback (most recent call last):
...
model.errors.MeetingFileError: field 'matter.amount': should be greater than or equal to 0, got -5 (fix: write "amount": 6000)
>>> check(Doc, {"matter": {"category": "x"}, "mood": 1}, MeetingFileError)
Traceback (most recent call last):
...
model.errors.MeetingFileError: field 'mood': unknown field (fix: remove it; allowed here: matter, mode)
>>> check(Doc, {"matter": {"category": "x"}, "mode": "vote!"}, MeetingFileError)
Traceback (most recent call last):
...
model.errors.MeetingFileError: field 'mode': should be one of 'vote', 'consensus', got 'vote!' (fix: write one of 'vote', 'consensus')
>>> check(Doc, {"matter": {"category": "x"}}, MeetingFileError).matter.emergency
False
"""


import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Discriminator, Tag, ValidationError
from pydantic_core import PydanticCustomError

from model.errors import QuorumlabError

__all__ = ["Strict", "check", "fail", "field_path", "json_schema"]

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """Base of every file schema: strict types, unknown keys rejected, values frozen."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


def fail(message: str, fix: str) -> PydanticCustomError:
    """The error a validator raises for what a schema cannot say; ``check`` keeps its fix.

    Raise it from a ``field_validator`` / ``model_validator``:
    ``raise fail("unknown member id 'zz'", "use one of a, b")``."""
    return PydanticCustomError("quorumlab", "{message}", {"message": message, "fix": fix})


def field_path(loc: tuple[int | str, ...]) -> str:
    """Pydantic's error location as the project writes field paths.

    >>> field_path(("bodies", "party_group", "rules", "quorum", 0, "cite"))
    'bodies.party_group.rules.quorum[0].cite'
    >>> field_path(())
    ''
    """
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def check(model: type[M], data: Any, error: type[QuorumlabError], *, file: str | None = None) -> M:
    """Validate ``data`` against ``model``; the first problem becomes one ``error``."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise _one_error(model, err, error, file) from None
    except RecursionError:
        raise error(None, "nested too deeply to be a valid file",
                    fix="flatten the file; no field nests more than a few levels", file=file) from None


def json_schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a file kind, for editors that complete and check."""
    schema = model.model_json_schema()
    schema["title"] = title
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


# ---------------------------------------------------------------------------------- errors
_WORDS = {"bool": "true or false", "int": "a whole number", "str": "a quoted string",
          "float": "a number", "list": "a list", "dict": "a table (an object)",
          "model": "a table (an object)"}


def _one_error(model: type[BaseModel], err: ValidationError, error: type[QuorumlabError],
               file: str | None) -> QuorumlabError:
    # prefer the error at the shallowest place the user wrote (union branches add depth)
    e = min(err.errors(include_url=False), key=lambda x: (x["type"] == "missing", 0))
    raw = tuple(e["loc"])
    loc = _user_loc(model, raw)
    path = field_path(loc) or None
    key = field_path(loc[-2:]) if loc and isinstance(loc[-1], int) else \
        str(loc[-1]) if loc else "value"
    kind, got = e["type"], e.get("input")
    ctx = e.get("ctx") or {}
    info = _field_info(model, raw)
    custom_fix = (info or {}).get("fix") if isinstance(info, dict) else None
    if kind == "quorumlab":
        return error(path, str(ctx["message"]), fix=str(ctx["fix"]), file=file)
    if kind == "missing":
        message, fix = "is missing", f"add {key} = ..."
    elif kind == "extra_forbidden":
        allowed = _allowed_keys(model, raw[:-1])
        message = "unknown field"
        fix = f"remove it; allowed here: {', '.join(allowed)}" if allowed else "remove it"
    elif kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        message, fix = f"should be one of {expected}, got {got!r}", f"write one of {expected}"
    elif kind.endswith("_type") or kind in ("model_attributes_type", "dict_type", "model_type"):
        word = {**_WORDS, "string": _WORDS["str"]}.get(kind.split("_")[0],
                                                       kind.removesuffix("_type"))
        message = f"should be {word}, got {got!r}"
        fix = (f"write {key} = true or false, without quotes" if word == "true or false"
               else f"write {key} as {word}")
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than",
                  "too_short", "too_long", "finite_number", "string_too_short"):
        message = f"{e['msg'].lower().removeprefix('input ')}, got {got!r}"
        fix = "change the value to fit"
    else:
        message, fix = f"{e['msg']}, got {got!r}", "correct the value"
    return error(path, message, fix=custom_fix or fix, file=file)


def _is_branch_tag(annotation: Any, part: int | str) -> bool:
    """Pydantic adds a union branch's name (``'list[...]'``, ``'function-after[...]'``) to
    the location; users never wrote it.  Only a union has branches, so a member id that
    happens to read ``int`` stays in the path."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if part == "[key]":  # pydantic's marker for an error in a table's key
        return True
    is_union = annotation is None or typing.get_origin(annotation) in (typing.Union, types.UnionType)
    return is_union and isinstance(part, str) and (
        "[" in part or part in _WORDS or part.startswith("function-"))


def _tagged(annotation: Any, part: int | str) -> Any:
    """The branch tagged ``part`` of a discriminated union (``Discriminator`` + ``Tag``), or None."""
    for option in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(option) is not typing.Annotated:
            continue
        inner, *meta = typing.get_args(option)
        if any(isinstance(m, Discriminator) for m in meta):
            for branch in typing.get_args(inner):
                tags = typing.get_args(branch)[1:]
                if any(isinstance(t, Tag) and t.tag == part for t in tags):
                    return typing.get_args(branch)[0]
    return None


def _user_loc(model: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """``loc`` without the parts users never wrote: union branch names and union tags."""
    out: list[int | str] = []
    for i, part in enumerate(loc):
        here = _walk(model, loc[:i])[0] if i else model
        if not _is_branch_tag(here, part) and _tagged(here, part) is None:
            out.append(part)
    return tuple(out)


def _walk(annotation: Any, loc: tuple[int | str, ...]) -> tuple[Any, Any]:
    """Follow ``loc`` through the annotations; return (annotation, FieldInfo extra) or (None, None)."""
    extra = None
    for part in loc:
        branch = _tagged(annotation, part)
        if branch is not None:
            annotation = branch
            continue
        if _is_branch_tag(annotation, part):
            continue
        annotation = _unwrap(annotation, part)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return None, None
            annotation, extra = field.annotation, field.json_schema_extra
        else:
            origin, args = typing.get_origin(annotation), typing.get_args(annotation)
            if origin in (list, tuple) and args:  # an item keeps its list's fix
                annotation = args[0]
            elif origin in (dict, Mapping) and len(args) == 2:
                annotation = args[1]
            else:
                return None, None
    return annotation, extra


def _unwrap(annotation: Any, part: int | str) -> Any:
    """The branch of an optional/union annotation that can hold ``part``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            inner = _unwrap(arg, part)
            holds_key = isinstance(inner, type) and issubclass(inner, BaseModel) and \
                str(part) in inner.model_fields
            container = typing.get_origin(inner) in (list, tuple, dict, Mapping)
            if holds_key or (container and (isinstance(part, int) or
                                            typing.get_origin(inner) in (dict, Mapping))):
                return inner
    if typing.get_origin(annotation) is typing.Annotated:
        return typing.get_args(annotation)[0]
    return annotation


def _field_info(model: type[BaseModel], loc: tuple[int | str, ...]) -> Any:
    return _walk(model, loc)[1] if loc else None


def _allowed_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    annotation = _walk(model, loc)[0] if loc else model
    for candidate in [annotation, *typing.get_args(annotation)]:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return [f.alias or name for name, f in candidate.model_fields.items()]
    return []
