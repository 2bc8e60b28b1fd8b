# The referral suite's organisations, service and staff, shared with the fault tests.
from tests.referrals_tests.conftest import (  # noqa: F401
    caseworker,
    intake,
    receiving_service,
    referring_org,
)
