"""Vietnamese text helpers: accent-insensitive folding and alphabetical sort keys.

Python's sorted() puts Ă, Â, Đ, Ô, Ơ, Ư after Z, and NFD does not decompose Đ. These helpers
give the union's order (A Ă Â B C D Đ E Ê …, tones after letters) as a plain string that any
database can ORDER BY, and a folded form for search ("Hương Trà" → "huong tra").
"""

import unicodedata

from unidecode import unidecode

# Letters of the Vietnamese alphabet in order; other letters follow in Latin order.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# Combining tone marks, in the customary order: none, grave, hook, tilde, acute, dot below.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Vowel-shape marks that make a distinct letter (ă, â, ê, ô, ơ, ư).
_SHAPES = {"\u0306", "\u0302", "\u031b"}


def fold(text: str) -> str:
    """Lower-case ASCII form for accent-insensitive search; đ folds to d."""
    return " ".join(unidecode(text or "").lower().split())


# Quotation marks that open and close a quotation in a name, straight or typographic.
_INNER_QUOTES = str.maketrans({"“": "‘", "”": "’"})


def quote_inner(text: str) -> str:
    """A name ready to be quoted inside “…”: its own quotation marks become single ones.

    Vietnamese documents quote with “…” and nest with ‘…’, so the model Câu lạc bộ “Thắp sáng
    niềm tin” reads “Câu lạc bộ ‘Thắp sáng niềm tin’” in a sentence. Straight quotes are paired
    left to right.
    """
    text = (text or "").translate(_INNER_QUOTES)
    parts = text.split('"')
    if len(parts) % 2 == 0:  # an odd number of straight quotes: leave them be
        return text
    return "".join(
        part + ("" if i == len(parts) - 1 else ("‘" if i % 2 == 0 else "’"))
        for i, part in enumerate(parts)
    )


def _letters(text: str):
    for char in unicodedata.normalize("NFC", (text or "").lower()):
        decomposed = unicodedata.normalize("NFD", char)
        base = decomposed[0]
        shape = "".join(c for c in decomposed[1:] if c in _SHAPES)
        tone = next((_TONES[c] for c in decomposed[1:] if c in _TONES), 0)
        letter = unicodedata.normalize("NFC", base + shape)
        yield letter, tone


def sort_key(text: str) -> str:
    """A string whose plain (byte) order is Vietnamese alphabetical order."""
    primary, secondary = [], []
    for letter, tone in _letters(text):
        if letter in _LETTER_RANK:
            primary.append(chr(ord("A") + _LETTER_RANK[letter]))
        elif letter.isdigit():
            primary.append("0" + letter)
            continue
        elif letter.isspace():
            primary.append("!")
        else:
            # Punctuation and letters outside the alphabet: keep them, after the alphabet.
            primary.append("~" + fold(letter)[:1])
        secondary.append(str(tone))
    # The separator sorts below every character of the primary part, so that a name comes
    # before its own extensions ("Hương Trà" before "Hương Trạch", "Trà" before "Trà A").
    return "".join(primary)[:200] + " " + "".join(secondary)[:54]
