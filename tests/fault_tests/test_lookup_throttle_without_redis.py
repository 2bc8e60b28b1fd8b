"""Redis stopped: the referral-code look-up still answers, and still stops a member who looks
up too many codes. The throttle must not open when the cache goes away."""

import pytest
from django.urls import reverse

from referrals.desk import throttle
from tests.referrals_tests.staff_world import client_for_world, world_fixture  # noqa: F401
from tests.referrals_tests.test_code_lookup import look_up, misread, sent_referral


@pytest.mark.django_db
def test_with_redis_stopped_look_ups_are_still_throttled_per_member(private_redis, world):
    referral = sent_referral(world)
    client = client_for_world(world, "caseworker-a")
    private_redis.stop()
    for _ in range(throttle.LOOKUP_LIMIT):
        response = look_up(client, misread(referral.code))
        assert response.status_code == 302
        assert response["Location"] == reverse("referrals:detail", kwargs={"pk": referral.pk})
    refused = look_up(client, misread(referral.code))
    assert refused.status_code == 429
    assert str(referral.pk) not in refused.content.decode()
    # Another member has their own allowance, Redis or not.
    assert look_up(client_for_world(world, "hotline-a"), referral.code).status_code == 302
