"""Normalised text keys that let reports of one outage find each other."""

import re
import unicodedata

MAX_KEY_LENGTH = 200
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def match_key(text):
    """A comparison key for a service name or an error message: case, accents,
    punctuation and spacing are ignored, so "Exam-Submission  service" and
    "exam submission Service!" agree. Empty for text without any word."""
    if not text:
        return ""
    # compatibility forms ("𝑨", "℡") become letters a case fold can lower
    # only once decomposed: decompose before the fold, and after it as before
    decomposed = unicodedata.normalize(
        "NFKD", unicodedata.normalize("NFKD", text).casefold()
    )
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    # đ has no decomposition: Vietnamese writers often type it as d
    bare = bare.replace("đ", "d")
    return " ".join(_NOT_WORD.sub(" ", bare).split())[:MAX_KEY_LENGTH]
