"""Print the benchmarks' tables after the run, so they show without `-s`."""

from tests.benchmarks import report


def pytest_terminal_summary(terminalreporter):
    if report.ROWS:
        terminalreporter.write_sep("-", "public page benchmark")
        for line in report.table():
            terminalreporter.write_line(line)
    if report.API_ROWS:
        terminalreporter.write_sep("-", "API benchmark")
        for line in report.api_table():
            terminalreporter.write_line(line)
    from tests.benchmarks.test_visibility_benchmark import LINES

    if LINES:
        terminalreporter.write_sep("-", "visibility benchmark")
        for line in LINES:
            terminalreporter.write_line(line)
    if report.EDITOR_ROWS:
        terminalreporter.write_sep("-", "editor benchmark")
        for line in report.editor_table():
            terminalreporter.write_line(line)
