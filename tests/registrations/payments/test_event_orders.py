"""Stripe retries, duplicates and reorders webhooks: every order of completed, expired and
refunded, each delivered twice, ends in the state the story implies."""

import pytest

from tests.registrations.payments import scenarios


@pytest.mark.parametrize("order", scenarios.orders(), ids="-".join)
@pytest.mark.parametrize("story", scenarios.STORIES, ids=lambda story: story.__name__)
def test_every_order_of_events_ends_in_the_right_state(db, stripe_fake, deliver, committed, story, order):
    told = story(stripe_fake, committed)
    events = scenarios.events_for(stripe_fake, told.session_id)
    for kind in order:
        assert deliver(events[kind]).status_code == 200
    settled = scenarios.side_effects(told, stripe_fake)
    for kind in order:  # Stripe delivers each one again
        response = deliver(events[kind])
        assert (response.status_code, response.json()["result"]) == (200, "duplicate")
    assert scenarios.final_state(told, stripe_fake) == told.expected
    assert scenarios.side_effects(told, stripe_fake) == settled
