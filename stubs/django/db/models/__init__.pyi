# Only the choices enums are declared, so that a member such as `Status.OPEN` is a `str` and
# not the `("open", label)` tuple of its definition; the rest of `django.db.models` is Any.
import enum
from typing import Any

class ChoicesType(enum.EnumMeta):
    @property
    def choices(cls) -> list[tuple[Any, str]]: ...
    @property
    def labels(cls) -> list[str]: ...
    @property
    def values(cls) -> list[Any]: ...
    @property
    def names(cls) -> list[str]: ...

# Base enums without members, as in Django; members are declared by the subclasses.
class Choices(enum.Enum, metaclass=ChoicesType):  # type: ignore[misc]
    @property
    def label(self) -> str: ...
    @property
    def do_not_call_in_templates(self) -> bool: ...

class TextChoices(str, Choices):  # type: ignore[misc]
    @property
    def value(self) -> str: ...

class IntegerChoices(int, Choices):  # type: ignore[misc]
    @property
    def value(self) -> int: ...

def __getattr__(name: str) -> Any: ...
