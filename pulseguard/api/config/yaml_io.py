"""YAML through ruamel.yaml (YAML 1.2), the one module that knows it.

Export writes a `%YAML 1.2` document with every string value double-quoted, so that no reader
(a YAML 1.1 one such as PyYAML included) takes `"23:00"`, `"on"` or `"0755"` for a number or a
boolean; null is written `null`.
"""

import io

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString


def _quoted(value):
    if isinstance(value, dict):
        return {key: _quoted(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_quoted(inner) for inner in value]
    if isinstance(value, str):
        return DoubleQuotedScalarString(value)
    return value


def _null(representer, _value):
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def dump(document: dict) -> str:
    """Return a document as YAML 1.2 text."""
    yaml = YAML()
    yaml.version = (1, 2)
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.representer.add_representer(type(None), _null)
    out = io.StringIO()
    yaml.dump(_quoted(document), out)
    return out.getvalue()
