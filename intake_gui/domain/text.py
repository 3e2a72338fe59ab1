"""Text a clerk, a scanner or a command line hands Intake, made safe before it is stored or sent to a POS.

Titles and notes travel to the POS, into receive history, into the journal and the shared record, and back
onto other people's screens. So every one is:

- **text**: bytes that are not UTF-8 (a command line in another encoding arrives as lone surrogates,
  `os.fsdecode`'s "surrogateescape"; a file in Latin-1; a scanner's odd byte) are refused with a sentence,
  never a traceback from the JSON encoder three layers down;
- **NFC**: "é" typed as e + combining accent and "é" typed as one character are the same title, so the
  duplicate-delivery check and history searches see them as one;
- **without control characters** (ESC, BEL, a scanner's GS…) and **without direction overrides** (U+202E and
  friends), which make a title display differently from what it says: refused, naming the character and where
  it is, so nothing is silently altered in a clerk's words. Invisible format characters that carry no meaning
  in a title (zero-width space, BOM, soft hyphen) are dropped;
- **within its limit**, counted in characters after the above.

Text read back from storage (`lenient=True`) is kept as stored (only made encodable): a stored draft must still
load, with the title it was sent with; a person editing it meets today's rules.
"""

from __future__ import annotations

import unicodedata

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Embeddings, overrides and isolates: the characters behind "Trojan Source"; marks (LRM, RLM) are harmless."""
DROPPED = frozenset("\u200b\u2060\ufeff\u00ad\u180e")
"""Zero-width space, word joiner, BOM, soft hyphen, Mongolian vowel separator: invisible and meaningless here."""
LINE_BREAKS = frozenset("\n\r\u2028\u2029\x85\x0b\x0c")


class TextRefused(ValueError):
    """A text field refused: `str(exc)` names the field, what is wrong and what to do; `code` is stable
    (not_text, control_character, direction_override, too_long, required)."""

    def __init__(
        self, message: str, code: str, *, field: str = "", limit: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.limit = limit


def clean_text(
    value: object,
    *,
    field: str,
    limit: int,
    multiline: bool = False,
    required: str = "",
    lenient: bool = False,
) -> str:
    """`value` made safe (see the module), or `TextRefused`.

    `field` is the clerk's word for it ("title"); `required` is the sentence to say when it is empty ("" means
    it may be empty). `multiline` keeps line breaks (as "\\n"); otherwise every run of whitespace is one space.
    `lenient` is for stored data (a draft in the journal, perhaps already sent with that title): kept exactly
    as stored, only made encodable (a lone surrogate becomes U+FFFD), never refused and never cut."""
    if lenient:
        return json_safe(_as_text(value, field, lenient))
    text = _as_text(value, field, lenient).replace("\r\n", "\n")
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    for position, ch in enumerate(text, start=1):
        if ch in DROPPED:
            continue
        if ch in LINE_BREAKS or ch == "\t":
            out.append("\n" if multiline and ch != "\t" else " ")
            continue
        if "\ud800" <= ch <= "\udfff":
            raise _not_text(field)
        if ch in BIDI_CONTROLS:
            raise TextRefused(
                f"The {field} contains an invisible direction-override character "
                f"({char_name(ch)}) at character {position}, which makes text display differently from "
                f"what it says. Retype the {field} without it.",
                "direction_override",
                field=field,
            )
        if unicodedata.category(ch) == "Cc":
            raise TextRefused(
                f"The {field} contains an invisible control character ({char_name(ch)}) at character "
                f"{position}. Retype the {field} without it.",
                "control_character",
                field=field,
            )
        out.append(ch)
    cleaned = _tidy("".join(out), multiline)
    if not cleaned and required:
        raise TextRefused(required, "required", field=field)
    if len(cleaned) > limit:
        over = len(cleaned) - limit
        raise TextRefused(
            f"The {field} is {len(cleaned):,} characters; the limit is {limit}. Shorten it by "
            f"{over:,} character{'s' if over != 1 else ''}.",
            "too_long",
            field=field,
            limit=limit,
        )
    return cleaned


def _as_text(value: object, field: str, lenient: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            if lenient:
                return bytes(value).decode("utf-8", errors="replace")
            raise _not_text(field) from None
    if isinstance(value, str):
        return value
    if lenient:
        return str(value)
    raise TextRefused(f"The {field} must be text.", "not_text", field=field)


def _not_text(field: str) -> TextRefused:
    return TextRefused(
        f"The {field} contains bytes that are not text in UTF-8 (the terminal, file or scanner uses "
        f"another encoding). Retype the {field}, or save the file as UTF-8.",
        "not_text",
        field=field,
    )


def _tidy(text: str, multiline: bool) -> str:
    if not multiline:
        return " ".join(text.split())
    lines = [" ".join(line.split()) for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


def char_name(ch: str) -> str:
    """ "ESCAPE, U+001B": the Unicode name a support person can search for, and the code point."""
    name = unicodedata.name(ch, "")
    if not name and unicodedata.category(ch) == "Cc":
        name = _CONTROL_NAMES.get(ord(ch), "control character")
    return f"{name}, U+{ord(ch):04X}" if name else f"U+{ord(ch):04X}"


_CONTROL_NAMES = {
    0x00: "NULL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x09: "TAB",
    0x0A: "LINE FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x1C: "FILE SEPARATOR",
    0x1D: "GROUP SEPARATOR",
    0x1E: "RECORD SEPARATOR",
    0x1F: "UNIT SEPARATOR",
    0x7F: "DELETE",
}


def json_safe(text: str) -> str:
    """`text` with any lone surrogate replaced by U+FFFD, so it can be encoded as UTF-8 (JSON, SQLite)."""
    if text.isascii() or not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def printable(value: object) -> str:
    """Text from a POS or a file, safe to print on a terminal: control, direction-override and undecodable
    characters as escapes (an ESC in a vendor's name cannot recolour or rewrite the operator's screen)."""
    return shown(value, limit=1_000_000)


def shown(value: object, *, limit: int = 40) -> str:
    """Any input, quoted back in a message without harm: control and undecodable characters as \\x1b-style
    escapes, cut to `limit` characters. Safe to print to any terminal and to encode as UTF-8."""
    text = value if isinstance(value, str) else repr(value)
    out: list[str] = []
    for ch in text:
        if (
            "\ud800" <= ch <= "\udfff"
            or ch in BIDI_CONTROLS
            or ch in DROPPED
            or unicodedata.category(ch) in ("Cc", "Zl", "Zp")
        ):
            code = ord(ch)
            if (
                0xDC80 <= code <= 0xDCFF
            ):  # a byte Python could not decode (surrogateescape): the byte
                code -= 0xDC00
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    result = "".join(out)
    return result if len(result) <= limit else result[: limit - 1] + "…"
