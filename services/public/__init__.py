"""The visitor's pages: search, a listing, national hotlines and anonymous problem reports."""
