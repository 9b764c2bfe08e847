-- bench/http/paced.lua - wrk: each connection sends GET PACED_PATH, waits
-- PACED_MS milliseconds after each answer, and sends the next (bench/conns.sh
-- --paced): thousands of open connections at a rate below the server's
-- ceiling, the way thousands of citizens' browsers use it, rather than each
-- connection asking again the moment it is answered.
local path = os.getenv("PACED_PATH") or "/healthz"
local pause = tonumber(os.getenv("PACED_MS") or "1000")

function init(args)
	-- spread the connections' first requests over one pause
	math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 1000)
end

function request()
	return wrk.format("GET", path)
end

function delay()
	return math.random(math.floor(pause / 2), pause + math.floor(pause / 2))
end
