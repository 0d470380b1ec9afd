"""Who may join a specialized group, as data (domain reference §4).

Men, women, veterans, LGBTQ+, trauma survivors, adolescents, co-occurring disorders, or a group
a clinic invents: each is a list of `Criterion` values, so a new kind of group needs no code.
A patient profile is a plain mapping the service builds (age, sex, gender_identity,
is_veteran, tags such as "lgbtq", "trauma_survivor", "co_occurring").
"""

from collections.abc import Iterable, Mapping
from typing import Literal, Self

from pydantic import ConfigDict, Field, model_validator

from app.schemas import Schema

Operator = Literal["equals", "in", "between", "contains", "is_true"]
Scalar = bool | int | float | str
Profile = Mapping[str, object]


class Criterion(Schema):
    """One condition a patient must meet to join a specialized group."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"attribute": "age", "operator": "between", "value": [13, 17]},
                {"attribute": "sex", "operator": "in", "value": ["female"]},
                {"attribute": "is_veteran", "operator": "is_true"},
                {"attribute": "tags", "operator": "contains", "value": "lgbtq"},
            ]
        }
    )

    attribute: str = Field(
        min_length=1,
        description="Profile attribute tested: `age`, `sex`, `gender_identity`, `is_veteran`,"
        " `tags`, or any attribute the service puts in the profile.",
        examples=["age", "tags"],
    )
    operator: Operator = Field(
        description="`equals` one value; `in` a list; `between` [low, high] inclusive;"
        " `contains`: the attribute is a list holding the value; `is_true`: no value.",
        examples=["between"],
    )
    value: Scalar | list[Scalar] | None = Field(
        None,
        description="Shape follows the operator; text compares without regard to case.",
        examples=[[13, 17], ["female"], "lgbtq"],
    )

    @model_validator(mode="after")
    def _value_fits_operator(self) -> Self:
        problem = _value_problem(self.operator, self.value)
        if problem:
            raise ValueError(f"operator {self.operator!r}: {problem}")
        return self

    def describe(self) -> str:
        """The criterion as a clinician would say it: "age must be between 13 and 17"."""
        value = self.value
        match self.operator:
            case "is_true":
                wanted = "must be true"
            case "equals":
                wanted = f"must be {_show(value)}"
            case "in":
                wanted = f"must be one of: {_show(value)}"
            case "between":
                low, high = _bounds(value) or (None, None)
                wanted = f"must be between {_show(low)} and {_show(high)}"
            case "contains":
                wanted = f"must include {_show(value)}"
        return f"{self.attribute} {wanted}"


def unmet_criteria(criteria: Iterable[Criterion], profile: Profile) -> list[str]:
    """A short message for each criterion the profile does not meet, in the criteria's order."""
    messages = []
    for criterion in criteria:
        actual = profile.get(criterion.attribute)
        # Unknown is not a fit: §4 admits a patient only if they fit the group's criteria.
        if actual is None:
            messages.append(f"{criterion.describe()} (not recorded)")
        elif not _is_met(criterion, actual):
            messages.append(criterion.describe())
    return messages


def meets_criteria(criteria: Iterable[Criterion], profile: Profile) -> bool:
    """Whether the profile meets every criterion (an empty list admits anyone)."""
    return not unmet_criteria(criteria, profile)


def _value_problem(operator: Operator, value: object) -> str | None:
    match operator:
        case "is_true":
            return None if value is None else "takes no value"
        case "equals" | "contains":
            return None if isinstance(value, Scalar) else "value must be one string, number or bool"
        case "in":
            return None if isinstance(value, list) and value else "value must be a non-empty list"
        case "between":
            bounds = _bounds(value)
            if bounds is None:
                return "value must be [low, high], two numbers"
            return "low must not exceed high" if bounds[0] > bounds[1] else None


def _is_met(criterion: Criterion, actual: object) -> bool:
    value = criterion.value
    match criterion.operator:
        case "is_true":
            # Only a real true: "yes" or 1 from a sloppy import should not admit anyone.
            return actual is True
        case "equals":
            return _same(actual, value)
        case "in":
            return isinstance(value, list) and any(_same(actual, option) for option in value)
        case "between":
            bounds, number = _bounds(value), _number(actual)
            return bounds is not None and number is not None and bounds[0] <= number <= bounds[1]
        case "contains":
            # A list of tags, never a substring: "lgbtq" is not in "not_lgbtq".
            if not isinstance(actual, list | tuple | set | frozenset):
                return False
            return any(_same(item, value) for item in actual)


def _same(actual: object, expected: object) -> bool:
    # True is not 1, and "Female" fits "female": profiles come from many hands.
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.casefold() == expected.casefold()
    number = _number(actual)
    return number is not None and number == _number(expected)


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return None


def _bounds(value: object) -> tuple[float, float] | None:
    if isinstance(value, list) and len(value) == 2:
        low, high = _number(value[0]), _number(value[1])
        if low is not None and high is not None:
            return low, high
    return None


def _show(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(_show(item) for item in value)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
