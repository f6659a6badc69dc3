"""Field-level differences between two exported objects, as the apply plan shows them."""


def shown(value):
    """A value as a plan shows it: scalars and lists of scalars as they are, the rest counted."""
    if isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        return f"<{len(value)} item{'s' if len(value) != 1 else ''}>"
    if isinstance(value, dict):
        return f"<{len(value)} field{'s' if len(value) != 1 else ''}>"
    return value


def diff(before: dict, after: dict, prefix: str = "") -> dict[str, list]:
    """Return {field: [old, new]} for every field that differs; nested blocks by dotted path."""
    out: dict[str, list] = {}
    for name in dict.fromkeys([*before, *after]):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict) and name != "headers":
            out |= diff(old, new, f"{prefix}{name}.")
        else:
            out[f"{prefix}{name}"] = [shown(old), shown(new)]
    return out
