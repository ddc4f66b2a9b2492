"""ETag, If-None-Match and the body cache (lib/http_cache.py): no database."""

from odoo.addons.helpdesk_expedite.lib import http_cache

from .common import PureCase, table


class TestHttpCache(PureCase):
    def test_etag_depends_on_every_part_of_the_key(self):
        key = ("db", 1, 3, "v1", "en_US", "page")
        self.assertEqual(http_cache.etag(key), http_cache.etag(tuple(key)))
        for index in range(len(key)):
            changed = (*key[:index], "other", *key[index + 1 :])
            self.assertNotEqual(http_cache.etag(key), http_cache.etag(changed))

    @table(
        ('"abc"', True),
        ('W/"abc"', True),
        ('"x", "abc"', True),
        ('"x"', False),
        ("*", False),
        ("", False),
        (None, False),
        ('"abc' + "x" * 5000 + '"', False),
    )
    def test_if_none_match(self, header, expected):
        self.assertEqual(http_cache.none_match(header, '"abc"'), expected)

    def test_the_cache_keeps_the_most_recently_used(self):
        cache = http_cache.BodyCache(max_entries=2)
        cache.put("a", b"A")
        cache.put("b", b"B")
        self.assertEqual(cache.get("a"), b"A")
        cache.put("c", b"C")
        self.assertIsNone(cache.get("b"))
        self.assertEqual((cache.get("a"), cache.get("c"), len(cache)), (b"A", b"C", 2))
