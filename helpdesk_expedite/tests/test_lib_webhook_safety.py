"""Which webhook URLs the server may post to (lib/webhook_safety.py): no
database, no DNS (the resolver is given)."""

from odoo.addons.helpdesk_expedite.lib import webhook_safety as safety

from .common import PureCase, table


def resolver(*addresses):
    """A resolver answering ``addresses`` for any host, and the calls it got."""
    calls = []

    def resolve(host, port):
        calls.append((host, port))
        return set(addresses)

    resolve.calls = calls
    return resolve


def unresolvable(host, port):
    raise OSError(f"{host}: no such host")


class TestWebhookSafety(PureCase):
    def test_allowed_hosts_are_trimmed_lowercase_and_unbracketed(self):
        self.assertEqual(
            safety.parse_allowed_hosts(" Teams.Example.com, ,[::1],10.0.0.5 "),
            frozenset({"teams.example.com", "::1", "10.0.0.5"}),
        )
        self.assertEqual(safety.parse_allowed_hosts(False), frozenset())

    @table(
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.10", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
        ("not an address", False),
    )
    def test_public_addresses(self, address, public):
        self.assertEqual(safety.is_public_address(address), public)

    def test_a_public_https_host_is_ok_and_resolved_on_its_port(self):
        resolve = resolver("93.184.216.34")
        self.assertEqual(
            safety.check_url("https://Hooks.Example.com:8443/x", resolver=resolve),
            (safety.OK, "hooks.example.com"),
        )
        self.assertEqual(resolve.calls, [("hooks.example.com", 8443)])

    @table(
        ("",),
        ("ftp://example.com/x",),
        ("https:///no-host",),
        ("https://exa mple.com/x",),
        ("https://example.com:99999/x",),
        (None,),
    )
    def test_what_is_no_url(self, url):
        self.assertEqual(
            safety.check_url(url, resolver=resolver("93.184.216.34")),
            (safety.NOT_A_URL, ""),
        )

    def test_plain_http_only_to_an_allowed_host(self):
        public = resolver("93.184.216.34")
        self.assertEqual(
            safety.check_url("http://example.com/x", resolver=public),
            (safety.NOT_HTTPS, "example.com"),
        )
        allowed = frozenset({"example.com"})
        self.assertEqual(
            safety.check_url("http://example.com/x", allowed, resolver=public),
            (safety.OK, "example.com"),
        )
        self.assertEqual(public.calls, [])

    def test_a_host_with_one_private_address_is_refused_naming_it(self):
        self.assertEqual(
            safety.check_url(
                "https://example.com/x", resolver=resolver("93.184.216.34", "10.0.0.7")
            ),
            (safety.NOT_PUBLIC, "10.0.0.7"),
        )

    def test_a_host_that_does_not_resolve(self):
        for resolve in (unresolvable, resolver()):
            self.assertEqual(
                safety.check_url("https://nowhere.example/x", resolver=resolve),
                (safety.UNRESOLVED, "nowhere.example"),
            )
