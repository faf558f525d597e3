"""``etiograph.records`` behaves as ``dataclasses`` does for what etiograph uses: construction by position or
keyword, defaults and factories, repr, equality, hashing, immutability, the generated docstring and the errors.

Each case defines the same class twice, once with ``@dataclass`` and once with ``@record``, and compares them.
"""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etiograph import records


def hash_of(value: object) -> int | str:
    try:
        return hash(value)
    except TypeError as error:
        return str(error)


def twins(frozen: bool, notes_compared: bool = True):
    """The same class as a dataclass and as a record."""

    def body(decorate, make_field):
        @decorate
        class Claim:
            subject: str
            rank: int
            quotes: tuple[str, ...] = ()
            notes: list[str] = make_field(default_factory=list, compare=notes_compared)
            mappings: tuple[str, ...] = make_field(default=(), compare=False)

        return Claim

    return (
        body(dataclasses.dataclass(frozen=frozen), dataclasses.field),
        body(records.record(frozen=frozen), records.field),
    )


CALLS = [
    (("a", 1), {}),
    (("a",), {"rank": 2}),
    ((), {"subject": "b", "rank": 3, "quotes": ("q",)}),
    (("a", 1, ("x", "y"), ["n"], ("m",)), {}),
    (("a", 1), {"mappings": ("m",)}),
]


@pytest.mark.parametrize("frozen", [True, False])
@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_construction_repr_and_fields_match_dataclasses(frozen, args, kwargs):
    dc, rec = twins(frozen)
    a, b = dc(*args, **kwargs), rec(*args, **kwargs)
    assert repr(a) == repr(b)
    assert [f.name for f in dataclasses.fields(a)] == [f.name for f in records.fields(b)]
    assert dataclasses.asdict(a) == records.asdict(b)
    assert dc.__doc__ == rec.__doc__
    assert dc.__match_args__ == rec.__match_args__


@pytest.mark.slow  # a property test of many examples: out of the edit-run lane (construction tests stay)
@given(
    st.tuples(st.sampled_from("ab"), st.integers(0, 2), st.sampled_from([(), ("q",)]), st.sampled_from([(), ("m",)])),
    st.tuples(st.sampled_from("ab"), st.integers(0, 2), st.sampled_from([(), ("q",)]), st.sampled_from([(), ("m",)])),
)
def test_equality_and_hash_match_dataclasses(left, right):
    dc, rec = twins(frozen=True)

    def make(cls, values):
        subject, rank, quotes, mappings = values
        return cls(subject, rank, quotes, mappings=mappings)

    assert (make(dc, left) == make(dc, right)) == (make(rec, left) == make(rec, right))
    assert hash_of(make(dc, left)) == hash_of(make(rec, left))  # the same number, or unhashable (a list field) in both
    dc_hashable, rec_hashable = twins(frozen=True, notes_compared=False)
    assert hash(make(dc_hashable, left)) == hash(make(rec_hashable, left))
    assert make(rec, left) != make(dc, left)  # another class: never equal, as between two dataclasses
    assert make(rec, left) != tuple(left)


def test_frozen_records_refuse_assignment_and_mutable_ones_are_unhashable():
    _, frozen = twins(frozen=True)
    _, mutable = twins(frozen=False)
    claim = frozen("a", 1)
    with pytest.raises(records.FrozenInstanceError, match="cannot assign to field 'rank'"):
        claim.rank = 2
    with pytest.raises(AttributeError, match="cannot assign to field 'other'"):
        claim.other = 2
    with pytest.raises(records.FrozenInstanceError, match="cannot delete field 'rank'"):
        del claim.rank
    changed = mutable("a", 1)
    changed.rank = 2
    assert changed.rank == 2
    with pytest.raises(TypeError, match="unhashable"):
        hash(changed)


def test_factories_give_each_instance_its_own_value():
    _, rec = twins(frozen=True)
    first, second = rec("a", 1), rec("b", 2)
    first.notes.append("x")
    assert second.notes == []


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((), {}),
        (("a",), {}),
        (("a", 1, (), [], (), "extra"), {}),
        (("a", 1), {"subject": "b"}),
        (("a", 1), {"colour": "red"}),
    ],
)
def test_call_mistakes_raise_the_type_errors_dataclasses_raise(args, kwargs):
    dc, rec = twins(frozen=True)
    with pytest.raises(TypeError) as expected:
        dc(*args, **kwargs)
    with pytest.raises(TypeError) as got:
        rec(*args, **kwargs)
    # the same words after the function name (dataclasses name it "__init__", records "Claim.__init__")
    assert str(got.value).split("__init__()", 1)[1] == str(expected.value).split("__init__()", 1)[1]


def test_definition_mistakes_are_refused():
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

        @records.record
        class Bad:
            a: int = 0
            b: int

    with pytest.raises(ValueError, match="mutable default"):

        @records.record
        class Mutable:
            a: list = []  # noqa: RUF012


def test_public_records_round_trip_through_pickle():
    from etiograph.causal.model import CausalPath, Evidence, Hop

    hop = Hop("kg:a", "kg:b", "a", "b", "p", (Evidence("c", "p", "asserted", 3, (), ("q",)),))
    path = CausalPath((hop,))
    assert pickle.loads(pickle.dumps(path)) == path
    assert repr(path).startswith("CausalPath(hops=(Hop(subject='kg:a'")


def test_replace_and_asdict_match_dataclasses():
    dc, rec = twins(frozen=True)
    a, b = dc("a", 1, ("q",)), rec("a", 1, ("q",))
    assert repr(dataclasses.replace(a, rank=5, mappings=("m",))) == repr(records.replace(b, rank=5, mappings=("m",)))
    assert dataclasses.asdict(a) == records.asdict(b)
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        records.replace(b, colour="red")


def test_named_tuples_behave_as_typings_without_compiling_annotations() -> None:
    import typing

    from etiograph.records import NamedTuple

    class Light(NamedTuple):
        """A point."""

        x: int
        label: str = "a"

        @property
        def double(self) -> int:
            return self.x * 2

    class Typed(typing.NamedTuple):
        """A point."""

        x: int
        label: str = "a"

        @property
        def double(self) -> int:
            return self.x * 2

    for cls in (Light, Typed):
        point = cls(3)
        assert point == (3, "a") and point.double == 6 and point._replace(label="b").label == "b"
        assert cls._fields == ("x", "label") and cls._field_defaults == {"label": "a"}
        assert cls.__doc__ == "A point." and cls.__module__ == __name__ and repr(point).endswith("(x=3, label='a')")
        # As written (this module has future annotations); typing compiles each into a ForwardRef.
        written = {name: getattr(hint, "__forward_arg__", hint) for name, hint in cls.__annotations__.items()}
        assert written == {"x": "int", "label": "str"}
    with pytest.raises(TypeError, match="without a default follows"):

        class Wrong(NamedTuple):
            a: int = 1
            b: int
