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
