"""Document paths for errors: marshmallow's nested messages flattened to `servers[2].push.grace`."""

NOT_A_STRING = "Not a valid string."


def flatten(prefix: str, messages, original=None) -> dict[str, list[str]]:
    """Flatten nested marshmallow messages under a path prefix (ints are list indexes)."""
    if isinstance(messages, list | tuple):
        return {prefix: [_clear(str(m), original) for m in messages]}
    out: dict[str, list[str]] = {}
    for name, inner in messages.items():
        path = f"{prefix}[{name}]" if isinstance(name, int) else f"{prefix}.{name}"
        out |= flatten(path, inner, _child(original, name))
    return out


def _child(original, name):
    if isinstance(original, dict):
        return original.get(name)
    if isinstance(original, list) and isinstance(name, int) and 0 <= name < len(original):
        return original[name]
    return None


def _clear(message: str, original) -> str:
    """Say what to do when YAML read a value as a number or boolean where text was wanted."""
    if message == NOT_A_STRING and original is not None and not isinstance(original, dict | list):
        return f"Must be a string (quote it: '{original}')."
    return message
