"""A counter's uploadings as a file and as a picture: /export and /chart.

- export_csv.py  the CSV document (pure)
- daily.py       per-day outcomes and rows, and the period's totals (pure)
- drawing.py     the PNG, drawn with matplotlib's Agg canvas (call it in a worker thread)
"""
