from typing import Any

from . import models as models

def __getattr__(name: str) -> Any: ...
