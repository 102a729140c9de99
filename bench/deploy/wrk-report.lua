-- Prints wrk's totals as one JSON line at the end (also after SIGINT), so the bench reads numbers, not prose.
-- `-- DELAY_MS` after the URL paces the load: each connection waits that long after an answer before its next
-- request (wrk's `delay` hook), so 16 connections send at most 16000 / DELAY_MS requests/s instead of as fast as
-- nginx answers (bench/deploy/load.ts, `paced`).
init = function(args)
  local ms = tonumber(args[1] or "")
  if ms and ms > 0 then
    delay = function() return ms end
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
