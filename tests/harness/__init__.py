"""The real stack's processes, started and stopped by PID, shared by `tests/` and `bench/`.

- `tests.harness.stack`: gunicorn, task workers and management commands on free ports, each with
  its own log file, stopped by its PID.
- `tests.harness.nginx`: the repository's nginx config (deploy/nginx/), rendered for a local run and
  served by Debian's `nginx` in front of a gunicorn from `tests.harness.stack`.
- `tests.harness.live_settings`: the settings those processes run with in tests.
"""
