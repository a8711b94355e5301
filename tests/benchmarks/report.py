"""Rows the benchmarks measured, and the tables the terminal summary prints."""

from django.db import connection

ROWS = []
API_ROWS = []
COLUMNS = (
    ("page", "<", 9, "{}"),
    ("claims", ">", 6, "{}"),
    ("queries", ">", 7, "{}"),
    ("cold ms", ">", 8, "{:.1f}"),
    ("render ms", ">", 9, "{:.1f}"),
    ("cached ms", ">", 9, "{:.2f}"),
    ("HTML KB", ">", 8, "{:.1f}"),
    ("peak MB", ">", 8, "{:.2f}"),
)


def aligned(columns, rows):
    """Return a header, a rule and one line per row, in columns of (name, align, width, format)."""
    header = "  ".join(f"{name:{align}{width}}" for name, align, width, _ in columns)
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            "  ".join(
                f"{fmt.format(value):{align}{width}}"
                for (_, align, width, fmt), value in zip(columns, row, strict=True)
            )
        )
    return lines


def table():
    """Return the measured rows as aligned lines, with a legend."""
    lines = aligned(COLUMNS, ROWS)
    lines.append(
        f"{connection.vendor}; medians of CPU time (a database server's own work not counted)"
    )
    lines.append(
        "cold = every cache empty, render = page cache emptied as after any save, "
        "cached = served from the page cache; peak = tracemalloc during one render"
    )
    return lines


API_COLUMNS = (
    ("request", "<", 22, "{}"),
    ("claims", ">", 6, "{}"),
    ("queries", ">", 7, "{}"),
    ("CPU ms", ">", 8, "{:.1f}"),
    ("KB", ">", 8, "{:.1f}"),
)


def api_table():
    """Return the API benchmark's rows as aligned lines, with a legend."""
    return [
        *aligned(API_COLUMNS, API_ROWS),
        f"{connection.vendor}; medians of CPU time per request, as the server spends it "
        "(a database server's own work not counted)",
    ]


# The editors' pages (test_editor_benchmark): what, claims, queries, CPU ms, wall ms.
EDITOR_ROWS = []
EDITOR_COLUMNS = (
    ("request", "<", 22, "{}"),
    ("claims", ">", 6, "{}"),
    ("queries", ">", 7, "{}"),
    ("CPU ms", ">", 8, "{:.1f}"),
    ("wall ms", ">", 8, "{:.1f}"),
)


def editor_table():
    """Return the editors' benchmark rows as aligned lines, with a legend."""
    return [
        *aligned(EDITOR_COLUMNS, EDITOR_ROWS),
        f"{connection.vendor}; medians of 3 runs through the test client (1 for the reorder); "
        "CPU = this process, wall = including the database",
    ]
