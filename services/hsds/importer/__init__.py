"""Importing an HSDS 3.0 dataset (services/hsds/importer/importer.py runs the steps)."""

from services.hsds.importer.importer import MAX_STORED_PROBLEMS, Importer, ImportReport, Problem

__all__ = ["MAX_STORED_PROBLEMS", "ImportReport", "Importer", "Problem"]
