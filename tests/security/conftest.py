from tests.security.sweep import TALLY


def pytest_terminal_summary(terminalreporter):
    """Print the hostile sweep's figure when it ran."""
    if not TALLY.requests:
        return
    terminalreporter.write_sep("-", "hostile sweep")
    terminalreporter.write_line(
        f"{TALLY.requests} requests sent, {len(TALLY.endpoints)} endpoints covered, "
        f"{TALLY.server_errors} 5xx seen (must be 0), in {TALLY.seconds:.1f} s of requests"
    )
    top = ", ".join(f"{status}: {n}" for status, n in sorted(TALLY.statuses.items()))
    terminalreporter.write_line(f"answers by status: {top}")
