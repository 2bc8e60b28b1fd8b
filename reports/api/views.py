"""GET /api/v1/staff/reports/referrals.csv and calls.csv: the referral counts and the desk's
call tallies of the user's scope as long CSVs, suppressed as the reports page is
(reports.downloads.referrals_rows, calls_rows). A token needs the `reports:read` scope; each
view is audited like the page."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts import permissions
from accounts.api import permissions as api_permissions
from reports.forms import PERIODS
from reports.views import calls_csv, record_view, referrals_csv


class ReferralsCsv(APIView):
    permission_classes = [api_permissions.StaffOnly, api_permissions.TokenScopes]
    token_scopes = {"GET": "reports:read"}
    schema = None

    def get(self, request: Request) -> Any:
        if not permissions.may_view_reports(request.user):
            raise PermissionDenied(
                _("Reports are for stewards, organisation admins and observers.")
            )
        raw = request.query_params.get("months", "12")
        if not raw.isdigit() or int(raw) not in PERIODS:
            raise ValidationError(
                {
                    "months": [
                        _("Choose a period of %(periods)s months.")
                        % {"periods": ", ".join(map(str, PERIODS))}
                    ]
                }
            )
        response = self.produce(request.user, int(raw))
        record_view(request.user, self.audited_as, int(raw), request)
        return response

    audited_as = "api:referrals_csv"

    @staticmethod
    def produce(user: Any, months: int) -> Any:
        return referrals_csv(user, months)


class CallsCsv(ReferralsCsv):
    audited_as = "api:calls_csv"

    @staticmethod
    def produce(user: Any, months: int) -> Any:
        return calls_csv(user, months)
