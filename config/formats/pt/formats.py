"""Dates and numbers for `pt`: the interface's Portuguese is Brazilian, so Brazil's formats
(dd/mm/aaaa input, "7 de dezembro de 2026") replace Django's European Portuguese ones."""

from django.conf.locale.pt_BR.formats import *  # noqa: F403
