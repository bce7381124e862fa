"""In `make test` a skipped test is a failure: a browser tour that skips itself
(no Chromium, no websocket-client) must not pass for green."""


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"FAILED: {len(skipped)} test(s) skipped; a skip counts as a failure here.", red=True)
        session.exitstatus = 1
