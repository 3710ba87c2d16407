# Django ships no type information; everything not declared under stubs/django is Any.
from typing import Any

def __getattr__(name: str) -> Any: ...
