"""The Django admin of the directory; Django's autodiscovery imports this package.

`directory` registers the HSDS records, `stewardship` the import, duplicate and merge screens.
"""

from services.admin import directory, stewardship  # noqa: F401 — registers the model admins
