from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member. Visitors and clients never have accounts."""

    email = models.EmailField(_("e-mail address"), unique=True)

    class Meta:
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")
