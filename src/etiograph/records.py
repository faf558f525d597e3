"""Records: the part of :mod:`dataclasses` etiograph uses, without generating code at import.

``dataclasses`` imports :mod:`inspect` (with ``ast``, ``dis`` and ``tokenize``) and compiles each
class's ``__init__``, ``__repr__``, ``__eq__`` and ``__hash__`` from source text when the class is
defined: ≈ 14 ms plus 1–2 ms per class on every cold start, and a command on the article imports
15–20 of them, more than some commands' own work. :func:`record` gives the same behaviour from
shared functions: an ``__init__`` taking fields by position or keyword with defaults and factories,
a field-wise ``repr`` and equality, and for ``frozen=True`` immutability and a hash.

>>> @record(frozen=True)
... class Pair:
...     left: str
...     right: int = 0
...     notes: list = field(default_factory=list, compare=False)
>>> Pair("a"), Pair("a", 1) == Pair(left="a", right=1, notes=["x"]), hash(Pair("a")) == hash(Pair("a"))
(Pair(left='a', right=0, notes=[]), True, True)
>>> Pair("a").left = "b"
Traceback (most recent call last):
...
etiograph.records.FrozenInstanceError: cannot assign to field 'left'
>>> Pair()
Traceback (most recent call last):
...
TypeError: Pair.__init__() missing 1 required positional argument: 'left'
"""

from __future__ import annotations

__all__ = ["Field", "FrozenInstanceError", "NamedTuple", "asdict", "field", "fields", "record", "replace"]

from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING, read by type checkers by its name, without importing typing
if TYPE_CHECKING:
    from typing import Any, TypeVar, dataclass_transform

    T = TypeVar("T", bound=type)
else:  # typing costs ~2 % of an export's cold start, and these only speak to type checkers

    def dataclass_transform(**_: object) -> Callable[[Callable], Callable]:
        return lambda decorator: decorator

_MISSING: Any = object()
_MUTABLE = (list, dict, set)


class _TupleBuilder(type):
    """Builds ``class X(NamedTuple)`` as :class:`typing.NamedTuple` does, from collections.namedtuple,
    but keeps each annotation as written: typing compiles every (string) annotation into a ForwardRef
    when the class is defined, ~4 % of ``etiograph viz``'s cold start for its dozen small value types."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> Any:
        if not bases:  # NamedTuple itself
            return super().__new__(mcs, name, bases, namespace)
        from collections import namedtuple

        annotations = namespace.get("__annotations__", {})
        defaults = [namespace[field] for field in annotations if field in namespace]
        if any(field in namespace for field in list(annotations)[: len(annotations) - len(defaults)]):
            raise TypeError(f"{name}: a field without a default follows one with a default")
        built = namedtuple(name, list(annotations), defaults=defaults or None, module=namespace.get("__module__"))
        built.__annotations__ = dict(annotations)
        for key, value in namespace.items():
            if key not in annotations and key not in ("__annotations__", "__module__", "__qualname__", "__classcell__"):
                setattr(built, key, value)
        built.__qualname__ = namespace.get("__qualname__", name)
        return built


if TYPE_CHECKING:
    from typing import NamedTuple
else:

    class NamedTuple(metaclass=_TupleBuilder):
        """``class Point(NamedTuple): x: int; y: int = 0``: a :func:`collections.namedtuple` with those
        fields, defaults, methods and docstring, as :class:`typing.NamedTuple` makes it (type checkers
        read this name as typing's)."""


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record (the error :mod:`dataclasses` raises, by the same name)."""


class Field:
    """How one field behaves: its default (a value or a factory), and whether ``==`` and ``repr`` use it."""

    __slots__ = ("compare", "default", "default_factory", "name", "repr")

    def __init__(self, default: Any, default_factory: Any, compare: bool, repr: bool) -> None:
        if default is not _MISSING and default_factory is not _MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr


def field(
    *, default: Any = _MISSING, default_factory: Callable[[], Any] = _MISSING, compare: bool = True, repr: bool = True
) -> Any:
    """A field's default or default factory, and whether equality (``compare``) and ``repr`` include it."""
    return Field(default, default_factory, compare, repr)


@dataclass_transform(field_specifiers=(field,))
def record(cls: T | None = None, /, *, frozen: bool = False) -> Any:
    """Make ``cls`` a record of its annotated fields, like ``@dataclass`` (``@dataclass(frozen=True)``)."""

    def wrap(cls: T) -> T:
        return _build(cls, frozen)

    return wrap if cls is None else wrap(cls)


def fields(obj: Any) -> tuple[Field, ...]:
    """The fields of a record (class or instance), in definition order."""
    return obj.__record_fields__


def asdict(obj: Any) -> dict[str, Any]:
    """Field name → value of a record, in definition order (one level: nested records stay records)."""
    values = obj.__dict__
    return {spec.name: values[spec.name] for spec in obj.__record_fields__}


def replace(obj: Any, /, **changes: Any) -> Any:
    """A copy of the record ``obj`` with ``changes`` (as :func:`dataclasses.replace`).

    >>> @record(frozen=True)
    ... class Pair:
    ...     left: str
    ...     right: int = 0
    >>> replace(Pair("a", 1), right=2)
    Pair(left='a', right=2)
    """
    return type(obj)(**(asdict(obj) | changes))


def _build(cls: T, frozen: bool) -> T:
    specs: list[Field] = []
    # the class's own annotations (inspect.get_annotations would import inspect, the cost this module avoids)
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
        if isinstance(annotation, str) and annotation.startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = cls.__dict__.get(name, _MISSING)
        spec = value if isinstance(value, Field) else Field(value, _MISSING, True, True)
        spec.name = name
        if isinstance(spec.default, _MUTABLE):
            raise ValueError(
                f"mutable default {type(spec.default)} for field {name} is not allowed: use default_factory"
            )
        if spec.default is _MISSING:
            if value is not _MISSING:
                delattr(cls, name)
        else:
            setattr(cls, name, spec.default)
        specs.append(spec)
    _check_order(specs)
    names = tuple(spec.name for spec in specs)
    compared = tuple(spec.name for spec in specs if spec.compare)
    shown = tuple(spec.name for spec in specs if spec.repr)
    count = len(names)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if kwargs or len(args) != count:
            args = _bind(cls, specs, args, kwargs)
        self.__dict__.update(zip(names, args))

    def __repr__(self: Any) -> str:
        values = self.__dict__
        return f"{type(self).__qualname__}(" + ", ".join(f"{name}={values[name]!r}" for name in shown) + ")"

    def __eq__(self: Any, other: Any) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        mine, theirs = self.__dict__, other.__dict__
        return tuple([mine[name] for name in compared]) == tuple([theirs[name] for name in compared])

    def __hash__(self: Any) -> int:
        values = self.__dict__
        return hash(tuple([values[name] for name in compared]))

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        object.__delattr__(self, name)

    methods: dict[str, Any] = {"__init__": __init__, "__repr__": __repr__, "__eq__": __eq__}
    if frozen:
        methods |= {"__setattr__": __setattr__, "__delattr__": __delattr__}
    for name, method in methods.items():
        if name not in cls.__dict__:
            method.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, method)
    if "__hash__" not in cls.__dict__ or cls.__dict__["__hash__"] is None:  # None: what defining __eq__ implies
        cls.__hash__ = __hash__ if frozen else None  # type: ignore[assignment]
    if cls.__doc__ is None:  # as dataclasses do: the signature, e.g. "Pair(left: 'str', right: 'int' = 0)"
        cls.__doc__ = f"{cls.__name__}({', '.join(_signature_part(cls, spec) for spec in specs)})"
    cls.__record_fields__ = tuple(specs)  # type: ignore[attr-defined]
    cls.__match_args__ = names  # type: ignore[attr-defined]
    return cls


def _signature_part(cls: type, spec: Field) -> str:
    text = f"{spec.name}: {cls.__annotations__[spec.name]!r}"
    if spec.default is not _MISSING:
        return f"{text} = {spec.default!r}"
    return text if spec.default_factory is _MISSING else f"{text} = <factory>"


def _check_order(specs: list[Field]) -> None:
    defaulted = False
    for spec in specs:
        has_default = spec.default is not _MISSING or spec.default_factory is not _MISSING
        if defaulted and not has_default:
            raise TypeError(f"non-default argument {spec.name!r} follows default argument")
        defaulted = defaulted or has_default


def _bind(cls: type, specs: list[Field], args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
    """The field values of a call that is not all positional: defaults filled in, mistakes as Python reports them."""
    where = f"{cls.__qualname__}.__init__()"
    if len(args) > len(specs):
        required = sum(spec.default is spec.default_factory is _MISSING for spec in specs)
        most = len(specs) + 1
        takes = f"{most}" if required + 1 == most else f"from {required + 1} to {most}"
        raise TypeError(f"{where} takes {takes} positional arguments but {len(args) + 1} were given")
    values = list(args)
    missing = []
    for spec in specs[len(args) :]:
        if spec.name in kwargs:
            values.append(kwargs.pop(spec.name))
        elif spec.default is not _MISSING:
            values.append(spec.default)
        elif spec.default_factory is not _MISSING:
            values.append(spec.default_factory())
        else:
            missing.append(spec.name)
    for name in kwargs:
        if any(spec.name == name for spec in specs):
            raise TypeError(f"{where} got multiple values for argument {name!r}")
        raise TypeError(f"{where} got an unexpected keyword argument {name!r}")
    if missing:
        quoted = [repr(name) for name in missing]
        listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
        plural = "argument" if len(missing) == 1 else "arguments"
        raise TypeError(f"{where} missing {len(missing)} required positional {plural}: {listed}")
    return values
