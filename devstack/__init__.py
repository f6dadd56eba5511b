"""Development tooling that `tests/` and `bench/` share: the real stack, started and stopped by PID.

- `devstack.stack`: gunicorn, task workers and management commands on free ports, each with
  its own log file, stopped by its PID.
- `devstack.nginx`: the repository's nginx config (deploy/nginx/), rendered for a local run and
  served by Debian's `nginx` in front of a gunicorn from `devstack.stack`.
- `devstack.redis`: Debian's `redis-server` on a free port, the cache processes share.
- `devstack.akismet_double`: an Akismet-compatible HTTP server, in a thread or its own process.
- `devstack.live_settings`: the settings those processes run with.
"""
