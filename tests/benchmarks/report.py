"""Rows the page benchmark measured, and the table the terminal summary prints."""

from django.db import connection

ROWS = []
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


def table():
    """Return the measured rows as aligned lines, with a legend."""
    header = "  ".join(f"{name:{align}{width}}" for name, align, width, _ in COLUMNS)
    lines = [header, "-" * len(header)]
    for row in ROWS:
        lines.append(
            "  ".join(
                f"{fmt.format(value):{align}{width}}"
                for (_, align, width, fmt), value in zip(COLUMNS, row, strict=True)
            )
        )
    lines.append(
        f"{connection.vendor}; medians of CPU time (a database server's own work not counted)"
    )
    lines.append(
        "cold = every cache empty, render = page cache emptied as after any save, "
        "cached = served from the page cache; peak = tracemalloc during one render"
    )
    return lines


# The editors' pages (test_editor_benchmark): what, claims, queries, CPU ms, wall ms.
EDITOR_ROWS = []


def editor_table():
    """Return the editors' benchmark rows as aligned lines, with a legend."""
    header = f"{'request':<22}  {'claims':>6}  {'queries':>7}  {'CPU ms':>8}  {'wall ms':>8}"
    lines = [header, "-" * len(header)]
    for what, size, queries, cpu, wall in EDITOR_ROWS:
        lines.append(f"{what:<22}  {size:>6}  {queries:>7}  {cpu:>8.1f}  {wall:>8.1f}")
    lines.append(
        f"{connection.vendor}; medians of 3 runs through the test client (1 for the reorder); "
        "CPU = this process, wall = including the database"
    )
    return lines
