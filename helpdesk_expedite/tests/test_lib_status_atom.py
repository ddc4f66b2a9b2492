"""The Atom feed of a Snapshot (lib/status_atom.py): no database."""

from dataclasses import replace
from xml.etree import ElementTree

from odoo.addons.helpdesk_expedite.lib import status_atom
from odoo.addons.helpdesk_expedite.lib.status_snapshot import (
    Snapshot,
    Update,
)

from .common import PureCase
from .test_lib_status_snapshot import RFC3339, example_snapshot

ATOM = "{http://www.w3.org/2005/Atom}"


class TestAtomFeed(PureCase):
    def _feed(self, snapshot=None, **kwargs):
        return status_atom.atom_feed(
            snapshot or example_snapshot(),
            title="University LMS: status history",
            feed_url="https://helpdesk.example.edu/status/history.atom",
            phase_labels={"identified": "Identified", "investigating": "Investigating"},
            lang="en-US",
            **kwargs,
        )

    def test_the_feed_is_valid_atom(self):
        """RFC 4287: the feed and each entry have exactly one id (an absolute
        IRI), title and updated (an RFC 3339 date-time); the feed has an
        author (its entries have none) and a self link; each entry a link."""
        feed = ElementTree.fromstring(self._feed())
        self.assertEqual(feed.tag, f"{ATOM}feed")
        for element in (feed, *feed.findall(f"{ATOM}entry")):
            for tag in ("id", "title", "updated"):
                self.assertEqual(len(element.findall(f"{ATOM}{tag}")), 1, tag)
            self.assertRegex(element.findtext(f"{ATOM}id"), r"^https?://")
            self.assertRegex(element.findtext(f"{ATOM}updated"), RFC3339)
        self.assertEqual(feed.findtext(f"{ATOM}author/{ATOM}name"), "University LMS")
        links = {
            link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")
        }
        self.assertEqual(
            links["self"], "https://helpdesk.example.edu/status/history.atom"
        )
        (entry,) = feed.findall(f"{ATOM}entry")
        self.assertEqual(entry.findtext(f"{ATOM}title"), "Exam submissions failing")
        self.assertRegex(entry.findtext(f"{ATOM}published"), RFC3339)
        self.assertEqual(entry.find(f"{ATOM}link").get("rel"), "alternate")
        self.assertEqual(entry.find(f"{ATOM}content").get("type"), "html")

    def test_texts_are_escaped(self):
        snapshot = example_snapshot()
        incident = snapshot.incidents[0]
        hostile = replace(
            incident,
            name="<script>alert(1)</script> & co",
            updates=(Update(1, "identified", "<b>x</b>\n]]>", incident.created_at),),
        )
        raw = self._feed(Snapshot(page=snapshot.page, incidents=(hostile,)))
        self.assertNotIn(b"<script>", raw)
        self.assertNotIn(b"<b>x</b>", raw)
        entry = ElementTree.fromstring(raw).find(f"{ATOM}entry")
        self.assertEqual(
            entry.findtext(f"{ATOM}title"), "<script>alert(1)</script> & co"
        )
        self.assertIn(
            "&lt;b&gt;x&lt;/b&gt;<br/>]]&gt;", entry.findtext(f"{ATOM}content")
        )
