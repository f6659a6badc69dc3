"""YAML through ruamel.yaml (YAML 1.2), the one module that knows it.

Reading is ruamel's safe loader (YAML 1.2 core schema: `23:00`, `on` and `NO` stay strings,
`0755` is the integer 755), with anchors and aliases refused (a 216-byte alias document expands
to megabytes) and duplicate mapping keys refused (ruamel's own DuplicateKeyError); every problem
becomes a YamlError carrying the line and column.

Export writes a `%YAML 1.2` document with every string value double-quoted, so that no reader
(a YAML 1.1 one such as PyYAML included) takes `"23:00"`, `"on"` or `"0755"` for a number or a
boolean; null is written `null`. ruamel.yaml is imported on first use: web processes that never
export do not load it.
"""

import io
import re

OLD_VERSION = re.compile(r"\A(\s*#[^\n]*\n|\s*\n)*%YAML\s+1\.[01]\b")


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


class YamlError(ValueError):
    """The text is not a YAML document PulseGuard reads (its message names line and column)."""


def _no_aliases_composer():
    from ruamel.yaml.composer import Composer, ComposerError
    from ruamel.yaml.events import AliasEvent

    class NoAliases(Composer):
        def compose_node(self, parent, index):
            event = self.parser.peek_event()
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
                raise ComposerError(
                    None, None, "anchors and aliases are not allowed", event.start_mark
                )
            return super().compose_node(parent, index)

    return NoAliases


def load(text: str):
    """Parse one YAML 1.2 document safely: no aliases, no duplicate keys; YamlError otherwise."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if OLD_VERSION.match(text):
        raise YamlError("Only YAML 1.2 is read: remove the %YAML 1.1 directive.")
    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = _no_aliases_composer()
    try:
        return yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = error.problem or error.context or "not valid YAML"
        raise YamlError(f"{problem}{where}".replace("\n", " ")) from None
    except YAMLError as error:
        raise YamlError(str(error).splitlines()[0] if str(error) else "Not valid YAML.") from None
