"""Folding of non-ASCII mail headers that keeps the spaces between words.

Python's email package folds a long non-ASCII unstructured header (a
Vietnamese subject) into RFC 2047 encoded words, and may put a space that
separates two words between two encoded words, where every reader drops
it: "Lỗi nộp bài thi" arrives as "Lỗinộp bài thi" (Python 3.10 to 3.12, the
versions Odoo 18 runs on). The older ``email.header.Header`` encoder keeps
each space inside an encoded word, where no reader drops it.
"""

from email.header import Header
from email.headerregistry import UnstructuredHeader

# RFC 2047's limit for a line of encoded words
MAX_LINE = 76


def needs_word_keeping(policy, name, text):
    """Whether ``policy`` would fold ``name: text`` into encoded words:
    a non-ASCII value of an unstructured header, for an ASCII-only wire
    (a server that accepts UTF-8 headers gets them as they are)."""
    if getattr(policy, "utf8", False) or text.isascii():
        return False
    factory = getattr(policy, "header_factory", None)
    return factory is not None and issubclass(factory[name], UnstructuredHeader)


def fold_keeping_words(name, text, linesep="\r\n"):
    """``name: text`` as folded encoded words, every character of ``text``
    (spaces included) inside one of them, ending with ``linesep``."""
    encoded = Header(text, "utf-8", maxlinelen=MAX_LINE, header_name=name).encode(
        linesep=linesep
    )
    return f"{name}: {encoded}{linesep}"


# RFC 2369 and RFC 8058: the unsubscribe link of a subscriber mail. Their
# values are angle-bracketed URLs that encoded words would break (Python
# folds a long word into them): they are never folded; a URL is far below
# RFC 5322's 998 characters a line.
LIST_UNSUBSCRIBE = "List-Unsubscribe"
LIST_UNSUBSCRIBE_POST = "List-Unsubscribe-Post"
ONE_CLICK = "List-Unsubscribe=One-Click"
UNFOLDED_HEADERS = frozenset({LIST_UNSUBSCRIBE.lower(), LIST_UNSUBSCRIBE_POST.lower()})
MAX_UNFOLDED_LENGTH = 900


def unsubscribe_headers(url):
    """The headers of a mail whose reader unsubscribes at ``url`` (https or
    http, no space, no angle bracket) with one click."""
    if (
        not isinstance(url, str)
        or not url.startswith(("https://", "http://"))
        or not url.isascii()
        or any(char in url for char in " <>\r\n\t,")
        or len(url) > MAX_UNFOLDED_LENGTH
    ):
        raise ValueError("an unsubscribe URL is an absolute http(s) URL")
    return {LIST_UNSUBSCRIBE: f"<{url}>", LIST_UNSUBSCRIBE_POST: ONE_CLICK}


def keeps_unfolded(name, text):
    """Whether ``name: text`` goes on one line as it is."""
    return (
        name.lower() in UNFOLDED_HEADERS
        and text.isascii()
        and len(text) <= MAX_UNFOLDED_LENGTH
    )


def unfolded(name, text, linesep="\r\n"):
    return f"{name}: {text}{linesep}"
