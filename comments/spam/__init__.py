"""The spam check: the Akismet client, the check, its verdicts, reports and health."""
