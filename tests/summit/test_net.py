"""Rate-limit keys: one bucket per client, an IPv6 client being its /64."""

from django.test import RequestFactory

from summit.net import ratelimit_key


def key_for(address):
    return ratelimit_key("registration", RequestFactory().post("/", REMOTE_ADDR=address))


def test_an_ipv4_client_is_its_own_address():
    assert key_for("203.0.113.9") == "203.0.113.9"


def test_an_ipv6_client_is_its_64_network_however_it_is_written():
    assert key_for("2001:db8:1:2::a") == key_for("2001:DB8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::/64"
    assert key_for("2001:db8:1:3::a") == "2001:db8:1:3::/64"


def test_an_ipv4_client_seen_through_an_ipv6_socket_is_its_ipv4_address():
    assert key_for("::ffff:203.0.113.9") == "203.0.113.9"


def test_an_unreadable_address_is_a_bucket_of_its_own_text():
    assert key_for("") == ""
    assert key_for("not-an-address") == "not-an-address"
