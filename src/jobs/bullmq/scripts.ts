/**
 * Every change of a fleet job's state is one Lua script, atomic in Redis: the item's new state,
 * the job's counters, the energy sum and the event for live progress are written together or
 * not at all. A second completion of an item (BullMQ runs at least once) changes nothing and
 * says so, which is how an item is counted once.
 *
 * KEYS of the item scripts: 1 job hash, 2 items hash, 3 events stream; the last KEY of every
 * script that may end a job is the webhooks sorted set (keys.ts): a job with a callback_url that
 * ends gets its delivery made due in the same step (hookState waiting → pending, the id added to
 * the set), so exactly one script, in one process, ever makes it due. Those scripts say so to
 * their caller (hook_due), which hands the delivery to BullMQ at once (webhooks.ts).
 */

/** Shared functions: end the job when nothing is left, emit an event. */
const PRELUDE = `
local function emit(id, kind, payload)
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', '100000', '*', 'job', id, 'type', kind, 'data', payload)
end
local function counts()
  local c = redis.call('HMGET', KEYS[1], 'done', 'failed', 'cancelled', 'total', 'state', 'cancel')
  return tonumber(c[1]) or 0, tonumber(c[2]) or 0, tonumber(c[3]) or 0, tonumber(c[4]) or 0, c[5], c[6]
end
local function item_event(id, index, it)
  local done, failed, cancelled, total = counts()
  emit(id, 'item', cjson.encode({index = tonumber(index), item = it, done = done, failed = failed, total = total}))
end
local hook_due = 0
local function end_if_finished(id, now, hooks)
  local done, failed, cancelled, total, state, cancel = counts()
  if state == 'done' or state == 'failed' or state == 'cancelled' then return false end
  if done + failed + cancelled < total then return false end
  local final = 'failed'
  if cancel == '1' then final = 'cancelled' elseif done > 0 then final = 'done' end
  redis.call('HSET', KEYS[1], 'state', final, 'updatedAt', now)
  if redis.call('HGET', KEYS[1], 'hookState') == 'waiting' then
    redis.call('HSET', KEYS[1], 'hookState', 'pending', 'hookNextAt', now)
    redis.call('ZADD', hooks, now, id)
    hook_due = 1
  end
  emit(id, 'state', final)
  return final
end
local function terminal(s) return s == 'done' or s == 'failed' or s == 'cancelled' end
`;

/**
 * Creates a job. KEYS: 1 job, 2 items, 3 events, 4 idem (or the job key again when none),
 * 5 jobs zset, 6 enqueue zset. ARGV: id, kind, spec, hasBackground, ext, now, idem key ('' for
 * none), items JSON [[name, outName]...], callback URL ('' for none). Returns {1, id} or {0, existing id}.
 */
export const CREATE = `${PRELUDE}
local id, now, idem = ARGV[1], ARGV[6], ARGV[7]
if idem ~= '' then
  local existing = redis.call('GET', KEYS[4])
  if existing then return {0, existing} end
end
local items = cjson.decode(ARGV[8])
redis.call('HSET', KEYS[1], 'kind', ARGV[2], 'spec', ARGV[3], 'hasBackground', ARGV[4], 'ext', ARGV[5],
  'state', 'queued', 'cancel', '0', 'total', #items, 'done', 0, 'failed', 0, 'cancelled', 0,
  'joules', 0, 'co2e', 0, 'createdAt', now, 'updatedAt', now, 'idem', idem)
for i, it in ipairs(items) do
  redis.call('HSET', KEYS[2], tostring(i - 1), cjson.encode({name = it[1], outName = it[2], state = 'queued', runs = 0}))
end
if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'hookUrl', ARGV[9], 'hookState', 'waiting', 'hookAttempts', 0) end
if idem ~= '' then redis.call('SET', KEYS[4], id) end
redis.call('ZADD', KEYS[5], now, id)
redis.call('ZADD', KEYS[6], now, id)
return {1, id}
`;

/**
 * A worker takes an item. KEYS 4: workers failed hash, 5: webhooks zset. ARGV: id, index, worker,
 * now, attempts. Returns {'run', kind, spec, hasBackground, name, runs} or {'skip', hook_due}
 * (finished, cancelled, failed here after too many starts) or {'gone'} (the job was deleted).
 */
export const CLAIM = `${PRELUDE}
local id, index, worker, now, attempts = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
if redis.call('EXISTS', KEYS[1]) == 0 then return {'gone'} end
local raw = redis.call('HGET', KEYS[2], index)
if not raw then return {'gone'} end
local it = cjson.decode(raw)
if terminal(it.state) then return {'skip'} end
local job = redis.call('HMGET', KEYS[1], 'state', 'cancel', 'kind', 'spec', 'hasBackground')
if job[2] == '1' then
  it.state = 'cancelled'
  it.finishedAt = tonumber(now)
  redis.call('HSET', KEYS[2], index, cjson.encode(it))
  redis.call('HINCRBY', KEYS[1], 'cancelled', 1)
  item_event(id, index, it)
  end_if_finished(id, now, KEYS[5])
  return {'skip', hook_due}
end
it.runs = (it.runs or 0) + 1
if it.runs > attempts then
  it.state = 'failed'
  it.error = {code = 'GREENROOM_ERR_WORKER_DIED', message = 'Processing this image stopped its worker ' .. attempts .. ' times (killed, out of memory or crashed, last on ' .. (it.worker or '?') .. '); it is not tried again. Check the image, or the workers\\' memory and logs.'}
  it.finishedAt = tonumber(now)
  redis.call('HSET', KEYS[2], index, cjson.encode(it))
  redis.call('HINCRBY', KEYS[1], 'failed', 1)
  redis.call('HSET', KEYS[1], 'updatedAt', now)
  if it.worker then redis.call('HINCRBY', KEYS[4], it.worker, 1) end
  item_event(id, index, it)
  end_if_finished(id, now, KEYS[5])
  return {'skip', hook_due}
end
it.state = 'running'
it.worker = worker
it.startedAt = tonumber(now)
redis.call('HSET', KEYS[2], index, cjson.encode(it))
redis.call('HSET', KEYS[1], 'updatedAt', now)
if job[1] == 'queued' then
  redis.call('HSET', KEYS[1], 'state', 'running')
  emit(id, 'state', 'running')
end
return {'run', job[3], job[4], job[5], it.name, it.runs}
`;

/**
 * An item is done. KEYS 4: workers done hash, 5: stats hash, 6: webhooks zset. ARGV: id, index,
 * output JSON, joules, co2e, worker, now. Returns {'first', hook_due} when this call recorded it,
 * {'again'} when it was already finished (nothing changes: the energy is counted once), {'gone'}
 * for a deleted job.
 */
export const COMPLETE = `${PRELUDE}
local id, index, now = ARGV[1], ARGV[2], ARGV[7]
local raw = redis.call('HGET', KEYS[2], index)
if not raw then return {'gone'} end
local it = cjson.decode(raw)
if terminal(it.state) then return {'again'} end
it.state = 'done'
it.output = cjson.decode(ARGV[3])
it.energyJ = tonumber(ARGV[4])
it.worker = ARGV[6]
it.error = nil
it.finishedAt = tonumber(now)
redis.call('HSET', KEYS[2], index, cjson.encode(it))
redis.call('HINCRBY', KEYS[1], 'done', 1)
redis.call('HINCRBYFLOAT', KEYS[1], 'joules', ARGV[4])
redis.call('HINCRBYFLOAT', KEYS[1], 'co2e', ARGV[5])
redis.call('HSET', KEYS[1], 'updatedAt', now)
redis.call('HINCRBY', KEYS[4], ARGV[6], 1)
if it.startedAt then
  local ms = tonumber(now) - it.startedAt
  local prev = tonumber(redis.call('HGET', KEYS[5], 'itemMs'))
  if prev then ms = prev * 0.9 + ms * 0.1 end
  redis.call('HSET', KEYS[5], 'itemMs', ms)
end
item_event(id, index, it)
end_if_finished(id, now, KEYS[6])
return {'first', hook_due}
`;

/** An item failed. KEYS 4: workers failed hash, 5: webhooks zset. ARGV: id, index, code, message, worker, now. Returns as COMPLETE. */
export const FAIL = `${PRELUDE}
local id, index, now = ARGV[1], ARGV[2], ARGV[6]
local raw = redis.call('HGET', KEYS[2], index)
if not raw then return {'gone'} end
local it = cjson.decode(raw)
if terminal(it.state) then return {'again'} end
it.state = 'failed'
it.error = {code = ARGV[3], message = ARGV[4]}
it.worker = ARGV[5]
it.finishedAt = tonumber(now)
redis.call('HSET', KEYS[2], index, cjson.encode(it))
redis.call('HINCRBY', KEYS[1], 'failed', 1)
redis.call('HSET', KEYS[1], 'updatedAt', now)
redis.call('HINCRBY', KEYS[4], ARGV[5], 1)
item_event(id, index, it)
end_if_finished(id, now, KEYS[5])
return {'first', hook_due}
`;

/**
 * Cancels a job: queued items become cancelled, running ones finish. KEYS 4: webhooks zset.
 * ARGV: id, now. Returns {hook_due, {cancelled indexes}}, or false (unknown or already ended).
 */
export const CANCEL = `${PRELUDE}
local id, now = ARGV[1], ARGV[2]
local state = redis.call('HGET', KEYS[1], 'state')
if not state or terminal(state) then return false end
redis.call('HSET', KEYS[1], 'cancel', '1', 'updatedAt', now)
local all = redis.call('HGETALL', KEYS[2])
local cancelled = {}
for i = 1, #all, 2 do
  local it = cjson.decode(all[i + 1])
  if it.state == 'queued' then
    it.state = 'cancelled'
    it.finishedAt = tonumber(now)
    redis.call('HSET', KEYS[2], all[i], cjson.encode(it))
    redis.call('HINCRBY', KEYS[1], 'cancelled', 1)
    item_event(id, all[i], it)
    cancelled[#cancelled + 1] = all[i]
  end
end
end_if_finished(id, now, KEYS[4])
return {hook_due, cancelled}
`;
