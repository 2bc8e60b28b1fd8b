import base64
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from referrals import crypto

HANDOFF = {"name": "Ana Canary-7731", "phone": "+57 300 555 0199", "note": "llamar de tarde"}


def test_a_sealed_handoff_opens_with_its_own_id_and_reveals_nothing_in_its_bytes():
    sealed = crypto.seal(HANDOFF, associated_id="referral-1")
    for value in HANDOFF.values():
        assert value.encode() not in sealed.ciphertext
        assert value.encode() not in sealed.wrapped_key
    assert (
        crypto.open_sealed(sealed.ciphertext, sealed.wrapped_key, associated_id="referral-1")
        == HANDOFF
    )


def test_every_handoff_gets_a_data_key_of_its_own():
    first = crypto.seal(HANDOFF, associated_id="a")
    second = crypto.seal(HANDOFF, associated_id="a")
    assert first.wrapped_key != second.wrapped_key
    assert first.ciphertext != second.ciphertext


def test_a_ciphertext_moved_to_another_referral_does_not_open():
    sealed = crypto.seal(HANDOFF, associated_id="referral-1")
    with pytest.raises(crypto.HandoffUnreadable):
        crypto.open_sealed(sealed.ciphertext, sealed.wrapped_key, associated_id="referral-2")


def test_a_tampered_ciphertext_does_not_open():
    sealed = crypto.seal(HANDOFF, associated_id="r")
    tampered = bytearray(sealed.ciphertext)
    tampered[-1] ^= 1
    with pytest.raises(crypto.HandoffUnreadable):
        crypto.open_sealed(bytes(tampered), sealed.wrapped_key, associated_id="r")


def test_without_its_data_key_a_handoff_is_unreadable_even_with_the_master_key():
    sealed = crypto.seal(HANDOFF, associated_id="r")
    with pytest.raises(crypto.HandoffUnreadable) as raised:
        crypto.open_sealed(sealed.ciphertext, None, associated_id="r")
    assert "Ana" not in str(raised.value)


def test_another_master_key_cannot_unwrap_the_data_key():
    sealed = crypto.seal(HANDOFF, associated_id="r")
    other_key = base64.b64encode(os.urandom(32)).decode()
    with override_settings(HANDOFF_MASTER_KEY=other_key), pytest.raises(crypto.HandoffUnreadable):
        crypto.open_sealed(sealed.ciphertext, sealed.wrapped_key, associated_id="r")


@pytest.mark.parametrize("bad", ["", "not base64!", base64.b64encode(b"short").decode()])
def test_a_missing_or_malformed_master_key_stops_the_app_rather_than_sealing_weakly(bad):
    with override_settings(HANDOFF_MASTER_KEY=bad), pytest.raises(ImproperlyConfigured):
        crypto.seal(HANDOFF, associated_id="r")
