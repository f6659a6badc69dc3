"""YAML through ruamel.yaml (YAML 1.2), the one module that knows it.

Export writes a `%YAML 1.2` document with every string value double-quoted, so that no reader
(a YAML 1.1 one such as PyYAML included) takes `"23:00"`, `"on"` or `"0755"` for a number or a
boolean; null is written `null`. ruamel.yaml is imported on first use: web processes that never
export do not load it.
"""

import io


def _quoted(value, quote):
    if isinstance(value, dict):
        return {key: _quoted(inner, quote) for key, inner in value.items()}
    if isinstance(value, list):
        return [_quoted(inner, quote) for inner in value]
    return quote(value) if isinstance(value, str) else value


def _null(representer, _value):
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def dump(document: dict) -> str:
    """Return a document as YAML 1.2 text."""
    from ruamel.yaml import YAML
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    yaml = YAML()
    yaml.version = (1, 2)
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.representer.add_representer(type(None), _null)
    out = io.StringIO()
    yaml.dump(_quoted(document, DoubleQuotedScalarString), out)
    return out.getvalue()
