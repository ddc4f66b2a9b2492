"""The webhook poster's split timeout (lib/webhook_post.py): no database."""

import operator

from odoo.addons.helpdesk_expedite.lib import webhook_post

from .common import PureCase


class TestSplitTimeout(PureCase):
    """The delivery's timeout is a number to whoever compares it with one
    (Odoo's test guard on outgoing requests does ``timeout < 10``, which a
    (connect, read) tuple breaks) and a (connect, read) pair to urllib3."""

    def test_compares_as_its_read_seconds(self):
        timeout = webhook_post.SplitTimeout.of((5, 15))
        self.assertFalse(timeout < 10)
        self.assertEqual(float(timeout), 15.0)
        self.assertEqual(timeout.connect, 5.0)
        # the old form, which the guard's comparison refused
        self.assertRaises(TypeError, operator.lt, (5, 15), 10)

    def test_urllib3_gets_the_split(self):
        timeout = webhook_post.SplitTimeout.of((5, 15))
        self.assertEqual(webhook_post.split_pair(timeout), (5.0, 15.0))
        self.assertEqual(webhook_post.split_pair(10), 10)  # guard's stand-in
        single = webhook_post.SplitTimeout.of(7)
        self.assertEqual(webhook_post.split_pair(single), (7.0, 7.0))

    def test_the_poster_mounts_the_splitting_adapter(self):
        with webhook_post.WebhookPoster() as poster:
            for prefix in ("https://", "http://"):
                adapter = poster.session.get_adapter(prefix + "example.com/")
                self.assertIsInstance(adapter, webhook_post._SplitTimeoutAdapter)
