#!/usr/bin/env node
// The load client of bench/hedge.sh: N streaming chat completions, C at a time, through one OpenAI-compatible URL.
// Per request it measures the time to the first content chunk (a `data:` event whose delta carries text), as the
// caller sees it, and whether the answer said `x-switchboard-hedged: true`. Prints one JSON object of the figures.
//
//   node bench/hedge-load.js --url http://127.0.0.1:8080/v1 --key K --model M --n 400 --concurrency 8 \
//     [--provider '{"order": ["groq", "fireworks"], "hedge": {"after": "p90"}}']
'use strict';
const http = require('http');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const base = new URL(args.url.replace(/\/$/, '') + '/chat/completions');
const n = Number(args.n || 400);
const concurrency = Number(args.concurrency || 8);
const provider = args.provider ? JSON.parse(args.provider) : undefined;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function one() {
  const body = JSON.stringify({ model: args.model, stream: true, provider,
    messages: [{ role: 'user', content: 'Say hello' }] });
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    let ttft = null, buf = '', hedged = false, status = 0;
    const req = http.request(base, { method: 'POST', agent, headers: {
      'content-type': 'application/json', authorization: 'Bearer ' + args.key,
      'content-length': Buffer.byteLength(body) } }, (res) => {
      status = res.statusCode;
      hedged = res.headers['x-switchboard-hedged'] === 'true';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        if (ttft !== null) return;
        buf += chunk;
        let i;
        while (ttft === null && (i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (!line.startsWith('data:') || line === 'data: [DONE]') continue;
          try {
            const delta = JSON.parse(line.slice(5)).choices?.[0]?.delta;
            if (delta && typeof delta.content === 'string' && delta.content.length > 0) {
              ttft = Number(process.hrtime.bigint() - start) / 1e6;
            }
          } catch (e) { /* not JSON: not a content chunk */ }
        }
      });
      res.on('end', () => resolve({ ok: status === 200 && ttft !== null, ttft, hedged }));
      res.on('error', () => resolve({ ok: false, ttft: null, hedged }));
    });
    req.on('error', () => resolve({ ok: false, ttft: null, hedged }));
    req.end(body);
  });
}

function pct(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
}

(async () => {
  const results = [];
  let next = 0;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) { next++; results.push(await one()); }
  }));
  const ttfts = results.filter((r) => r.ok).map((r) => r.ttft).sort((a, b) => a - b);
  console.log(JSON.stringify({ requests: results.length, errors: results.filter((r) => !r.ok).length,
    hedged: results.filter((r) => r.hedged).length, p50: pct(ttfts, 50), p90: pct(ttfts, 90), p99: pct(ttfts, 99),
    max: ttfts[ttfts.length - 1] ?? null, seconds: (Date.now() - t0) / 1000 }));
  agent.destroy();
})();
