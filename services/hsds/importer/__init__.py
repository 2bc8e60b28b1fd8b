"""Importing an HSDS 3.0 dataset: `Importer` (importer.py) drives the steps in this package."""

from services.hsds.importer.importer import Importer
from services.hsds.importer.report import MAX_STORED_PROBLEMS, ImportReport, Problem

__all__ = ["MAX_STORED_PROBLEMS", "ImportReport", "Importer", "Problem"]
