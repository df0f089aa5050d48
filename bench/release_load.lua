-- wrk script for bench/release_load.py: requests spread over a mix of addresses, optionally paced.
--
-- wrk has no fixed-rate mode, so each thread keeps its own timetable: every request takes the
-- next slot (thread rate = rate / threads) and its connection waits until that slot (delay()).
-- Slots are absolute times, so a request answered late does not lower the rate; a backlog is
-- caught up, but never more than one second of it (the load stays a steady rate, not bursts).
-- Arguments after `--`: the file of paths (one a line, repeated by weight), then the total rate
-- in requests a second (0: as fast as possible, to find the capacity), then wrk's thread count.
local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } tp_timespec;
int clock_gettime(int clk_id, tp_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local now_ts = ffi.new("tp_timespec")

local function now_ms()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, now_ts)
    return tonumber(now_ts.tv_sec) * 1000 + tonumber(now_ts.tv_nsec) / 1e6
end

local paths = {}
local interval = 0 -- milliseconds between this thread's requests; 0: unpaced
local next_slot = nil
-- Requests this thread sent in each second of the run (global: done() reads it through
-- thread:get), so the report shows when a run fell short of its rate, not only that it did.
sent = {}
local started = nil
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    for line in io.lines(args[1]) do
        if line ~= "" then
            table.insert(paths, line)
        end
    end
    -- init() is not told how many threads share the rate: the third argument says.
    local rate, thread_count = tonumber(args[2] or "0"), tonumber(args[3] or "1")
    if rate > 0 then
        interval = 1000 * thread_count / rate
    end
    -- Each thread its own sequence of addresses (the table's address differs per thread).
    math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

function request()
    return wrk.format(nil, paths[math.random(#paths)])
end

function delay()
    local now = now_ms()
    started = started or now
    local second = math.floor((now - started) / 1000) + 1
    sent[second] = (sent[second] or 0) + 1
    if interval == 0 then
        return 0
    end
    if next_slot == nil or next_slot < now - 1000 then
        next_slot = now
    end
    local wait = next_slot - now
    next_slot = next_slot + interval
    if wait < 0 then
        return 0
    end
    return wait
end

-- One line for bench/release_load.py: every thread's requests, second by second, summed.
function done(summary, latency, requests)
    local total, last = {}, 0
    for _, thread in ipairs(threads) do
        for second, count in pairs(thread:get("sent")) do
            total[second] = (total[second] or 0) + count
            last = math.max(last, second)
        end
    end
    io.write("Sent each second:")
    for second = 1, last do
        io.write(" ", total[second] or 0)
    end
    io.write("\n")
end
