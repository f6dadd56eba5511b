-- Appended to every wrk script: print the run's figures as one JSON line for bench/wrk.py.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "socket_errors": %d, "status_errors": %d, ' ..
    '"unexpected": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean,
    e.connect + e.read + e.write + e.timeout, e.status, unexpected_total()))
end

-- Scripts that check statuses keep a per-thread count in `unexpected`.
unexpected_total = unexpected_total or function() return 0 end
