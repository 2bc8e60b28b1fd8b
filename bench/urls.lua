-- wrk script: cycles through a pre-generated list of request paths (one per line in the file
-- named by BENCH_URLS), each of the BENCH_THREADS worker threads from the start of its own share. Every request carries its own
-- X-Forwarded-For address, as the proxy in front of production would send for many visitors:
-- the API's per-address throttle then counts as it does in production (the server is started
-- with API_TRUSTED_PROXIES=1 for this).
local paths = {}
local counter = 0
local thread_id = 0

local threads = {}
function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function init(args)
  local file = os.getenv("BENCH_URLS")
  for line in io.lines(file) do
    if #line > 0 then table.insert(paths, line) end
  end
  -- Each thread starts its own share of the list: a list of different searches is then asked
  -- once each (until the run outlasts it), never by two threads at once.
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  counter = ((tid or 1) - 1) * math.floor(#paths / nthreads) - 1
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  local n = counter + (tid or 1) * 1000003
  local ip = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256,
                           math.floor(n / 256) % 256, n % 256)
  -- One visitor sending everything (the attacker of the worst kind): one address, one throttle.
  local fixed = os.getenv("BENCH_FIXED_IP")
  if fixed and #fixed > 0 then ip = fixed end
  return wrk.format("GET", path, {["X-Forwarded-For"] = ip,
                                  ["Accept-Encoding"] = "gzip",
                                  ["Accept-Language"] = "es"})
end

function done(summary, latency, requests)
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors_connect": %d, ' ..
    '"errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
  out:close()
end
