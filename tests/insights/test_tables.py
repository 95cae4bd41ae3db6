"""CSV cells a spreadsheet would run as a formula are written as text; numbers stay numbers."""

from __future__ import annotations

import csv
import io

from helpdesk.insights.tables import as_csv


def test_a_comment_that_looks_like_a_formula_is_written_as_text():
    rows = [
        {"comment": '=HYPERLINK("http://evil.example")', "amount": "-12.50"},
        {"comment": "@SUM(A1)", "amount": "3.00"},
        {"comment": "+31 6 1234", "amount": None},
        {"comment": "-", "amount": 7},
        {"comment": "merci, très rapide", "amount": "0.00"},
    ]
    read = list(csv.DictReader(io.StringIO(as_csv(["comment", "amount"], rows))))
    assert [(row["comment"], row["amount"]) for row in read] == [
        ('\'=HYPERLINK("http://evil.example")', "-12.50"),
        ("'@SUM(A1)", "3.00"),
        ("'+31 6 1234", ""),
        ("'-", "7"),
        ("merci, très rapide", "0.00"),
    ]
