"""Data the directory starts from or is tested with: regions, taxonomy, the demo, synthetic sets."""
