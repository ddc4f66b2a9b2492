"""Normalised text keys that let reports of one outage find each other."""

import re
import unicodedata

MAX_KEY_LENGTH = 200
MAX_TEXT_LENGTH = 4000  # of a report's text read for mentions
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def match_key(text):
    """A comparison key for a service name or an error message: case, accents,
    punctuation and spacing are ignored, so "Exam-Submission  service" and
    "exam submission Service!" agree. Empty for text without any word."""
    return _words(text)[:MAX_KEY_LENGTH]


def text_key(text, max_length=MAX_TEXT_LENGTH):
    """The words of a report's free text (its subject and body, the first
    ``max_length`` characters) as match_key writes them, to look for keys
    in it (``mentions``)."""
    return _words((text or "")[:max_length])


def _words(text):
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
    return " ".join(_NOT_WORD.sub(" ", bare).split())


# a key mentioned in free text must be at least this many words: one word
# ("exam") is in too many messages that are about something else
MIN_MENTION_WORDS = 2


def mentions(text_key, key):
    """Whether ``key`` (a match_key) appears in ``text_key`` (the match_key
    of a report's subject and body) as whole words."""
    if not key or not text_key or len(key.split()) < MIN_MENTION_WORDS:
        return False
    return f" {key} " in f" {text_key} "
