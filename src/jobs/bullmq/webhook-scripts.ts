/**
 * A fleet job's webhook delivery, recorded in the job's hash by atomic scripts (the fields are in
 * keys.ts). The delivery is made due by the script that ends the job (scripts.ts); these two
 * record its tries. KEYS: 1 job hash.
 */

/**
 * A deliverer takes the delivery for one try. ARGV: worker, now, most tries. Returns
 * {'send', url, attempt} or {'skip'} (not pending: delivered, given up, no callback) or {'gone'}
 * (the job was deleted). Tries are counted here, before the try: a deliverer that dies in the
 * middle of one has used it, and a delivery whose deliverers keep dying stops after the limit.
 */
export const HOOK_CLAIM = `
local worker, now, most = ARGV[1], ARGV[2], tonumber(ARGV[3])
if redis.call('EXISTS', KEYS[1]) == 0 then return {'gone'} end
local h = redis.call('HMGET', KEYS[1], 'hookState', 'hookUrl', 'hookAttempts', 'hookWorker')
if h[1] ~= 'pending' then return {'skip'} end
local n = (tonumber(h[3]) or 0) + 1
if n > most then
  redis.call('HSET', KEYS[1], 'hookState', 'failed', 'hookError', 'given up after ' .. (n - 1) .. ' tries; the last stopped with its deliverer (' .. (h[4] or '?') .. ')')
  redis.call('HDEL', KEYS[1], 'hookNextAt')
  return {'skip'}
end
redis.call('HSET', KEYS[1], 'hookAttempts', n, 'hookWorker', worker)
return {'send', h[2], n}
`;

/**
 * A try's outcome. ARGV: attempt, outcome (delivered | retry | failed), HTTP status ('' for
 * none), error ('' for none), now, next try's time (retry). A failure recorded by a try that is no
 * longer the latest (its deliverer was taken for dead and another one tried) changes nothing; a
 * delivery is recorded whichever try made it. Returns 1 when recorded, 0 otherwise.
 */
export const HOOK_RECORD = `
local attempt, outcome, status, err, now, nextAt = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local h = redis.call('HMGET', KEYS[1], 'hookState', 'hookAttempts')
if h[1] ~= 'pending' then return 0 end
if outcome ~= 'delivered' and tonumber(h[2]) ~= attempt then return 0 end
if status ~= '' then redis.call('HSET', KEYS[1], 'hookStatus', status) else redis.call('HDEL', KEYS[1], 'hookStatus') end
if outcome == 'delivered' then
  redis.call('HSET', KEYS[1], 'hookState', 'delivered', 'hookDeliveredAt', now)
  redis.call('HDEL', KEYS[1], 'hookError', 'hookNextAt')
elseif outcome == 'retry' then
  redis.call('HSET', KEYS[1], 'hookError', err, 'hookNextAt', nextAt)
else
  redis.call('HSET', KEYS[1], 'hookState', 'failed', 'hookError', err)
  redis.call('HDEL', KEYS[1], 'hookNextAt')
end
return 1
`;
