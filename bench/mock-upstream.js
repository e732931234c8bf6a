#!/usr/bin/env node
// A minimal OpenAI-compatible upstream for the proxy benchmark (bench/proxy.sh --upstream node, the default): no JVM,
// no dependencies, no timers, so what it costs is small and none of it is in the gateway's figure. It answers
// POST /v1/chat/completions at once, as JSON or, with "stream": true, as an SSE stream of a role chunk, a few content
// chunks, a finish chunk, the usage chunk (stream_options.include_usage) and [DONE], each its own write as a real
// provider flushes them; GET /v1/models lists the one model, GET /health answers without a key. Keep-alive
// connections, a Bearer key checked when given.
//
//   node bench/mock-upstream.js --port 8091 [--key sim-key-1] [--tokens 16]
//
// It prints "listening on PORT" once it accepts connections.
'use strict';
const http = require('node:http');

const args = process.argv.slice(2);
function opt(name, fallback) {
  const i = args.indexOf('--' + name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}
const port = Number(opt('port', '8091'));
const key = opt('key', '');
const tokens = Math.max(1, Number(opt('tokens', '16')));
const words = ['Switch', 'boards', ' route', ' calls', ' between', ' lines', ','];
const text = Array.from({ length: tokens }, (_, i) => words[i % words.length]);
let counter = 0;

function error(res, status, message, type) {
  const body = JSON.stringify({ error: { message, type, code: null, param: null } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function usage(promptTokens) {
  return { prompt_tokens: promptTokens, completion_tokens: tokens, total_tokens: promptTokens + tokens };
}

function chunk(id, created, model, delta, finish, withUsage) {
  const c = { id, object: 'chat.completion.chunk', created, model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
  if (withUsage) c.usage = null;
  return 'data: ' + JSON.stringify(c) + '\n\n';
}

function complete(req, res, raw) {
  let body;
  try {
    body = JSON.parse(raw);
  } catch (e) {
    return error(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
  }
  if (typeof body.model !== 'string' || !Array.isArray(body.messages)) {
    return error(res, 400, "'model' and 'messages' are required", 'invalid_request_error');
  }
  const id = 'chatcmpl-mock' + (++counter);
  const created = Math.floor(Date.now() / 1000);
  const promptTokens = 8 * body.messages.length;
  if (body.stream === true) {
    const withUsage = !!(body.stream_options && body.stream_options.include_usage);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(chunk(id, created, body.model, { role: 'assistant', content: '', refusal: null }, null, withUsage));
    for (const t of text) res.write(chunk(id, created, body.model, { content: t }, null, withUsage));
    res.write(chunk(id, created, body.model, {}, 'stop', withUsage));
    if (withUsage) {
      res.write('data: ' + JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model,
        choices: [], usage: usage(promptTokens) }) + '\n\n');
    }
    res.end('data: [DONE]\n\n');
    return;
  }
  const out = JSON.stringify({ id, object: 'chat.completion', created, model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text.join(''), refusal: null, annotations: [] },
      logprobs: null, finish_reason: 'stop' }],
    usage: usage(promptTokens) });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
  res.end(out);
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    return res.end('ok');
  }
  if (key && req.headers.authorization !== 'Bearer ' + key) {
    req.resume();
    return error(res, 401, 'Incorrect API key provided.', 'invalid_request_error');
  }
  if (req.method === 'GET' && req.url === '/v1/models') {
    const out = JSON.stringify({ object: 'list', data: [{ id: 'gpt-4.1', object: 'model', owned_by: 'mock' }] });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
    return res.end(out);
  }
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    req.resume();
    return error(res, 404, 'Unknown path ' + req.url, 'invalid_request_error');
  }
  const parts = [];
  req.on('data', (d) => parts.push(d));
  req.on('end', () => complete(req, res, Buffer.concat(parts).toString('utf8')));
});
// the gateway's pool keeps connections for a minute; Node's default 5 s would close them under it between slices
server.keepAliveTimeout = 120000;
server.headersTimeout = 125000;
server.listen(port, '127.0.0.1', () => console.log('listening on ' + port));
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => server.close(() => process.exit(0)));
