"""The status page's history as an Atom 1.0 feed (RFC 4287).

One entry per published incident, newest first, its content the public
updates. Built with ElementTree, which escapes every text it is given.
"""

import html
from xml.etree import ElementTree

from .status_snapshot import iso, local

ATOM = "http://www.w3.org/2005/Atom"
LATEST_ENTRIES = 50


def _text(parent, tag, text, **attributes):
    element = ElementTree.SubElement(parent, tag, attributes)
    element.text = text
    return element


def _local_text(moment, zone_name):
    return f"{local(moment, zone_name):%Y-%m-%d %H:%M} ({zone_name})"


def _content(incident, zone_name, phase_labels):
    """The incident's public updates as escaped HTML, newest first."""
    parts = []
    for update in incident.updates:
        label = phase_labels.get(update.status, update.status)
        parts.append(
            "<p><small>{when}</small><br/><strong>{label}</strong> - {body}</p>".format(
                when=html.escape(_local_text(update.created_at, zone_name)),
                label=html.escape(label),
                body=html.escape(update.body).replace("\n", "<br/>"),
            )
        )
    return "".join(parts)


def atom_feed(snapshot, title, feed_url, phase_labels, lang="en", limit=LATEST_ENTRIES):
    """The feed as UTF-8 bytes: ``title`` is the feed's title,
    ``phase_labels`` {phase: label} the words of the visitor's language
    ``lang`` (a language tag such as "vi-VN")."""
    page = snapshot.page
    zone_name = page.time_zone
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    _text(feed, f"{{{ATOM}}}id", feed_url)
    _text(feed, f"{{{ATOM}}}title", title)
    _text(feed, f"{{{ATOM}}}updated", iso(page.updated_at, zone_name))
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, f"{{{ATOM}}}name", page.name)
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": feed_url})
    ElementTree.SubElement(
        feed,
        f"{{{ATOM}}}link",
        {"rel": "alternate", "type": "text/html", "href": page.url},
    )
    for incident in snapshot.incidents[:limit]:
        entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, f"{{{ATOM}}}id", incident.url)
        _text(entry, f"{{{ATOM}}}title", incident.name)
        _text(entry, f"{{{ATOM}}}published", iso(incident.created_at, zone_name))
        _text(entry, f"{{{ATOM}}}updated", iso(incident.updated_at, zone_name))
        ElementTree.SubElement(
            entry,
            f"{{{ATOM}}}link",
            {"rel": "alternate", "type": "text/html", "href": incident.url},
        )
        _text(
            entry,
            f"{{{ATOM}}}content",
            _content(incident, zone_name, phase_labels),
            type="html",
        )
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
