from django.urls import path

from accounts.views import auth, invitations, members, preferences, tokens

app_name = "accounts"
urlpatterns = [
    path("", members.dashboard, name="dashboard"),
    path("sign-in/", auth.SignInView.as_view(), name="login"),
    path("sign-out/", auth.sign_out, name="logout"),
    path("two-factor/", auth.two_factor, name="two_factor"),
    path("two-factor/setup/", auth.two_factor_setup, name="two_factor_setup"),
    path("two-factor/backup-codes/", auth.backup_codes, name="backup_codes"),
    path("password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/link/", auth.password_reset_link, name="password_reset_link"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("language/", preferences.language, name="language"),
    path("work-phone/", preferences.work_phone, name="work_phone"),
    path("api-tokens/", tokens.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", tokens.revoke_api_token, name="revoke_api_token"),
    path("invitation/link/", invitations.invitation_link, name="invitation_link"),
    path("invitation/", invitations.invitation, name="invitation"),
    path("members/", members.members_index, name="members_index"),
    path("organizations/<uuid:organization_id>/members/", members.members, name="members"),
    path(
        "organizations/<uuid:organization_id>/members/<int:membership_id>/",
        members.member,
        name="member",
    ),
    path(
        "organizations/<uuid:organization_id>/invitations/<int:invitation_id>/withdraw/",
        members.revoke_invitation,
        name="revoke_invitation",
    ),
]
