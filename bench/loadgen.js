'use strict';
// One load generator for every target of `make bench` (Papo, Node socket.io, raw ws).
//
//   node loadgen.js CONFIG.json      prints one JSON result on stdout, progress on stderr
//
// Modes: fanout (stepped offered rate, C receivers, S senders), capacity (idle connections),
// commit (acknowledged sends per second, closed loop) and rest (HTTP requests per second).
// The Socket.IO client is a minimal Engine.IO 4 / Socket.IO 5 client on `ws`: it opens
// /socket.io/?EIO=4&transport=websocket, sends `40{auth}`, answers pings and sends
// `42<ack id>["send_message",{...}]`; it costs the generator far less CPU than socket.io-client.
// The timing rides inside the message text, `BNCH|run|step|sender|n|microseconds|xxx…`, so the
// same code measures every server. Every loop is bounded in count and in time.

const fs = require('fs');
const http = require('http');
const { performance } = require('perf_hooks');
const WebSocket = require('ws');

const MARK = Buffer.from('BNCH|');
const PAD = 'x'.repeat(32);
const BUCKET_MS = 0.05;
const HIST_MAX_MS = 20000;
const CLK_TCK = 100;

// Event frames every client received, whatever their handler: the connect storm's cost.
const frames = { events: 0 };

const log = (...parts) => process.stderr.write(parts.join(' ') + '\n');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const nowMs = () => performance.now();

// ---------------------------------------------------------------- /proc readings

function readOne(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /VmRSS:\s+(\d+)/.exec(status);
  const threads = /Threads:\s+(\d+)/.exec(status);
  return {
    ticks: Number(fields[11]) + Number(fields[12]),
    rssKiB: rss ? Number(rss[1]) : 0,
    threads: threads ? Number(threads[1]) : 0,
  };
}

function descendants(pid) {
  // A multi-process server (a supervisor and its workers) counts as one server.
  let children = [];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
  } catch {
    return [];
  }
  return children.filter(Boolean).flatMap((child) => [child, ...descendants(child)]);
}

function procStat(pid) {
  if (!pid) return null;
  try {
    const total = readOne(pid);
    total.processes = 1;
    for (const child of descendants(pid)) {
      try {
        const one = readOne(child);
        total.ticks += one.ticks;
        total.rssKiB += one.rssKiB;
        total.threads += one.threads;
        total.processes += 1;
      } catch {
        // the child exited between the listing and the reading
      }
    }
    return total;
  } catch {
    return null;
  }
}

function coreTicks() {
  // Busy and total ticks of cpu0 (servers) and cpu1 (this generator), from /proc/stat.
  const lines = fs.readFileSync('/proc/stat', 'utf8').split('\n');
  return ['cpu0 ', 'cpu1 '].map((name) => {
    const line = lines.find((l) => l.startsWith(name));
    if (!line) return { busy: 0, total: 1 };
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - v[3] - v[4], total };
  });
}

// CPU use over a window: the server process, this generator, and both cores as a whole.
// core - process = CPU that something else took on that core (other people's jobs, or
// PostgreSQL's backends on core 0): the bench reports it so that a noisy run shows.
class CpuWindow {
  constructor(pid) {
    this.pid = pid;
    this.t0 = nowMs();
    this.p0 = procStat(pid);
    this.c0 = coreTicks();
    this.g0 = process.cpuUsage();
  }

  read() {
    const secs = (nowMs() - this.t0) / 1000;
    const p1 = procStat(this.pid);
    const c1 = coreTicks();
    const g = process.cpuUsage(this.g0);
    const pct = (x) => Math.round(x * 10) / 10;
    const core = (i) => pct(((c1[i].busy - this.c0[i].busy) / Math.max(1, c1[i].total - this.c0[i].total)) * 100);
    const server = this.p0 && p1 ? pct(((p1.ticks - this.p0.ticks) / CLK_TCK / secs) * 100) : null;
    const gen = pct(((g.user + g.system) / 1e6 / secs) * 100);
    return {
      server_cpu: server,
      gen_cpu: gen,
      core0_cpu: core(0),
      core1_cpu: core(1),
      other_core0: server === null ? null : pct(Math.max(0, core(0) - server)),
      other_core1: pct(Math.max(0, core(1) - gen)),
    };
  }
}

async function waitQuiet(pid, maxMs, threshold = 10) {
  // Wait until the server stops working off a backlog (presence storms, queued sends).
  const deadline = nowMs() + maxMs;
  while (nowMs() < deadline) {
    const w = new CpuWindow(pid);
    await sleep(300);
    if ((w.read().server_cpu ?? 0) < threshold) return true;
  }
  return false;
}

// ---------------------------------------------------------------- latency histogram

class Histogram {
  constructor() {
    this.counts = new Uint32Array(Math.ceil(HIST_MAX_MS / BUCKET_MS) + 1);
    this.n = 0;
    this.max = 0;
  }

  add(ms) {
    const b = Math.min(this.counts.length - 1, Math.max(0, Math.floor(ms / BUCKET_MS)));
    this.counts[b] += 1;
    this.n += 1;
    if (ms > this.max) this.max = ms;
  }

  quantile(q) {
    if (!this.n) return null;
    const want = Math.ceil(q * this.n);
    let seen = 0;
    for (let b = 0; b < this.counts.length; b += 1) {
      seen += this.counts[b];
      if (seen >= want) return Math.round((b + 0.5) * BUCKET_MS * 100) / 100;
    }
    return this.max;
  }

  summary() {
    return {
      p50: this.quantile(0.5),
      p99: this.quantile(0.99),
      max: this.n ? Math.round(this.max * 100) / 100 : null,
    };
  }
}

// ---------------------------------------------------------------- the client

// kind: 'sio' (Engine.IO 4 / Socket.IO 5 on ws) or 'ws' (raw frames).
class Client {
  constructor(kind, url, token) {
    this.kind = kind;
    this.url = url;
    this.token = token;
    this.ws = null;
    this.open = false;
    this.closing = false;
    this.onEvent = null; // (Buffer) for every event frame
    this.onAck = null; // (id, Buffer)
    this.onLost = null; // () when the connection drops while we did not close it
  }

  connect(timeoutMs) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
      this.ws = ws;
      const timer = setTimeout(() => fail(new Error('connect timeout')), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.open = true;
        resolve(this);
      };
      const fail = (err) => {
        clearTimeout(timer);
        if (!this.open) {
          this.closing = true;
          ws.terminate();
          reject(err);
        }
      };
      ws.on('error', fail);
      ws.on('close', () => {
        const wasOpen = this.open;
        this.open = false;
        if (wasOpen && !this.closing && this.onLost) this.onLost();
        if (!wasOpen) fail(new Error('closed before connect'));
      });
      if (this.kind === 'ws') {
        ws.on('open', done);
        ws.on('message', (data) => this.onEvent && this.onEvent(data));
        return;
      }
      ws.on('message', (data) => {
        const c0 = data[0];
        if (c0 === 0x34) {
          const c1 = data[1];
          if (c1 === 0x32) {
            frames.events += 1;
            if (this.onEvent) this.onEvent(data);
          } else if (c1 === 0x33) {
            let id = 0;
            let i = 2;
            for (; i < data.length && data[i] >= 0x30 && data[i] <= 0x39; i += 1) {
              id = id * 10 + (data[i] - 0x30);
            }
            if (this.onAck) this.onAck(id, data);
          } else if (c1 === 0x30) {
            done();
          } else if (c1 === 0x34) {
            fail(new Error('connect refused: ' + data.toString().slice(2, 200)));
          }
        } else if (c0 === 0x32) {
          ws.send('3');
        } else if (c0 === 0x30) {
          ws.send('40' + JSON.stringify({ token: this.token }));
        }
      });
    });
  }

  sendMessage(ackId, text, clientId, room) {
    if (!this.open) return false;
    if (this.kind === 'ws') {
      this.ws.send(JSON.stringify({ message: text }));
      return true;
    }
    const payload = { message: text, client_id: clientId };
    if (room !== undefined && room !== null) payload.room = room;
    this.ws.send(`42${ackId}["send_message",${JSON.stringify(payload)}]`);
    return true;
  }

  close() {
    this.closing = true;
    if (this.ws) this.ws.terminate();
    this.open = false;
  }
}

async function connectMany(cfg, count, tokenOffset, concurrency, timeoutMs) {
  // Connect `count` clients, `concurrency` at a time; tokens are taken round-robin.
  const clients = new Array(count);
  const failures = [];
  let next = 0;
  const tokens = cfg.tokens && cfg.tokens.length ? cfg.tokens : ['bench-token'];
  const worker = async () => {
    while (next < count) {
      const i = next;
      next += 1;
      const token = tokens[(tokenOffset + i) % tokens.length];
      const client = new Client(cfg.kind, cfg.url, token);
      try {
        clients[i] = await client.connect(timeoutMs);
      } catch (err) {
        failures.push(String(err.message || err));
        clients[i] = null;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { clients: clients.filter(Boolean), failures };
}

const RUN = Math.floor(Math.random() * 1e9);

function parseMark(buf) {
  // BNCH|run|k|s|n|t| → [k, s, n, t], read straight from the bytes (no JSON.parse per
  // delivery); null for anything else, including another generator's messages.
  const at = buf.indexOf(MARK);
  if (at < 0) return null;
  const out = [0, 0, 0, 0, 0];
  let i = at + MARK.length;
  for (let f = 0; f < 5; f += 1) {
    let v = 0;
    for (; i < buf.length && buf[i] !== 0x7c; i += 1) v = v * 10 + (buf[i] - 0x30);
    out[f] = v;
    i += 1;
  }
  return out[0] === RUN ? out.slice(1) : null;
}

// ---------------------------------------------------------------- fan-out

async function fanout(cfg) {
  const S = cfg.senders;
  const C = cfg.receivers;
  const started = nowMs();
  const timeoutMs = (cfg.connect_timeout_s || 20) * 1000;
  const pool = cfg.receiver_pool || C;
  const tokens = cfg.tokens || [];
  log(`fanout ${cfg.target} C=${C} S=${S}: connecting`);
  const snd = await connectMany(cfg, S, 0, 10, timeoutMs);
  const rcvCfg = { ...cfg, tokens: tokens.slice(S, S + pool) };
  const rcv = await connectMany(rcvCfg, C, 0, cfg.connect_concurrency || 50, timeoutMs);
  const connectS = (nowMs() - started) / 1000;
  if (snd.failures.length || rcv.failures.length) {
    const failures = [...snd.failures, ...rcv.failures];
    snd.clients.concat(rcv.clients).forEach((c) => c.close());
    return { error: `connect failed ${failures.length}x: ${failures[0]}`, connect_s: connectS };
  }
  const quiet = await waitQuiet(cfg.server_pid, 15000);
  log(`  connected ${C + S} in ${connectS.toFixed(1)} s (quiet: ${quiet})`);

  let disconnects = 0;
  const all = snd.clients.concat(rcv.clients);
  all.forEach((c) => {
    c.onLost = () => {
      disconnects += 1;
    };
  });

  // Every step keeps its own books, so a delivery that comes after its step's drain window
  // is still counted (as late) and only what never arrives is lost.
  const books = new Map();
  let current = null;
  rcv.clients.forEach((client, r) => {
    client.onEvent = (buf) => {
      const m = parseMark(buf);
      if (!m) return;
      const st = books.get(m[0]);
      if (!st) return;
      const idx = m[2] * S + m[1];
      const seen = st.seen[r];
      if (idx >= seen.length) return;
      if (seen[idx]) {
        st.dups += 1;
        return;
      }
      seen[idx] = 1;
      st.delivered += 1;
      const ms = nowMs() - m[3] / 1000;
      if (st === current) st.hist.add(ms);
      else {
        st.late += 1;
        if (ms > st.lateMax) st.lateMax = ms;
      }
    };
  });
  snd.clients.forEach((client) => {
    client.onEvent = null;
    client.onAck = (id, buf) => {
      const st = current;
      if (!st) return;
      const sentAt = st.sentAt.get(id);
      if (sentAt === undefined) return;
      st.sentAt.delete(id);
      st.acks += 1;
      st.ackHist.add(nowMs() - sentAt);
      if (buf.indexOf('"ok":true') < 0) {
        st.ackErrors += 1;
        if (!st.firstAckError) st.firstAckError = buf.toString().slice(0, 300);
      }
    };
  });

  const nonce = Math.random().toString(36).slice(2, 8);
  let ackSeq = 0;
  const runStep = async (k, rate, sendS, measured = true) => {
    const M = Math.max(1, Math.round(rate * sendS));
    const perSender = Math.ceil(M / S);
    const st = {
      k, delivered: 0, dups: 0, late: 0, lateMax: 0, acks: 0, ackErrors: 0, firstAckError: null,
      hist: new Histogram(), ackHist: new Histogram(), sentAt: new Map(),
      seen: rcv.clients.map(() => new Uint8Array(perSender * S)),
    };
    books.set(k, st);
    current = st;
    const disc0 = disconnects;
    const cpu = new CpuWindow(cfg.server_pid);
    const t0 = nowMs() + 5;
    const gap = 1000 / rate;
    let m = 0;
    let sent = 0;
    await new Promise((resolve) => {
      const tick = () => {
        const now = nowMs();
        while (m < M && t0 + m * gap <= now) {
          const s = m % S;
          const n = Math.floor(m / S);
          const tus = Math.round(nowMs() * 1000);
          const text = `BNCH|${RUN}|${k}|${s}|${n}|${tus}|${PAD}`;
          ackSeq += 1;
          if (snd.clients[s].sendMessage(ackSeq, text, `${nonce}-${k}-${m}`, cfg.room)) {
            st.sentAt.set(ackSeq, nowMs());
            sent += 1;
          }
          m += 1;
        }
        if (m >= M || nowMs() > t0 + sendS * 1000 + 2000) resolve();
        else setTimeout(tick, 2);
      };
      setTimeout(tick, 2);
    });
    const sendEnd = nowMs();
    const expected = sent * C;
    const wantAcks = cfg.kind === 'sio' ? sent : 0;
    const drainDeadline = sendEnd + (cfg.drain_s || 3) * 1000;
    while (nowMs() < drainDeadline && (st.delivered < expected || st.acks < wantAcks)) {
      await sleep(10);
    }
    const drainS = (nowMs() - sendEnd) / 1000;
    const usage = cpu.read();
    current = null;
    const lat = st.hist.summary();
    const result = {
      offered: rate,
      sent,
      expected,
      delivered: st.delivered,
      deliveries_per_s: Math.round(st.delivered / ((sendEnd - t0) / 1000 + drainS)),
      undelivered_in_window: expected - st.delivered,
      lost: null,
      late: 0,
      duplicated: st.dups,
      disconnects: disconnects - disc0,
      acks: st.acks,
      ack_errors: st.ackErrors,
      first_ack_error: st.firstAckError,
      ...lat,
      ack_p50: st.ackHist.summary().p50,
      ack_p99: st.ackHist.summary().p99,
      drain_s: Math.round(drainS * 100) / 100,
      ...usage,
    };
    result.pass = result.undelivered_in_window === 0 && result.duplicated === 0 && result.disconnects === 0
      && result.ack_errors === 0 && lat.p99 !== null && lat.p99 < cfg.p99_limit_ms;
    result.gen_bound = usage.gen_cpu >= 90;
    if (measured) {
      log(`  ${cfg.target} C=${C} ${rate} msg/s: ${result.deliveries_per_s}/s p50 ${lat.p50} p99 ${lat.p99}`
        + ` max ${lat.max} missing ${result.undelivered_in_window} dup ${result.duplicated} srv ${usage.server_cpu}%`
        + ` gen ${usage.gen_cpu}% ${result.pass ? 'PASS' : 'FAIL'}`);
    }
    result.book = st;
    return result;
  };

  const steps = [];
  let k = 0;
  const deadline = started + (cfg.max_total_s || 120) * 1000;
  const run = async (rate) => {
    k += 1;
    const r = await runStep(k, rate, cfg.send_s || 5);
    steps.push(r);
    await waitQuiet(cfg.server_pid, r.pass ? 2000 : 8000);
    await sleep(200);
    return r;
  };
  if (cfg.warmup_s) {
    k += 1;
    await runStep(k, cfg.ladder[0], cfg.warmup_s, false);
    await waitQuiet(cfg.server_pid, 3000);
  }
  if (cfg.ready_file) fs.writeFileSync(cfg.ready_file, String(Date.now()));
  let lastPass = null;
  let firstFail = null;
  for (const rate of cfg.ladder) {
    if (nowMs() > deadline) break;
    const r = await run(rate);
    if (r.pass) lastPass = rate;
    else {
      firstFail = rate;
      break;
    }
  }
  if (lastPass === null && firstFail !== null && cfg.walk_down !== false) {
    // The first rung failed: walk down by halves (at most three times).
    let rate = firstFail;
    for (let i = 0; i < 3 && nowMs() < deadline; i += 1) {
      rate = Math.max(cfg.min_rate || 1, Math.round(rate / 2));
      const r = await run(rate);
      if (r.pass) {
        lastPass = rate;
        break;
      }
      firstFail = rate;
      if (rate === (cfg.min_rate || 1)) break;
    }
  } else if (cfg.refine && lastPass !== null && firstFail !== null && nowMs() < deadline) {
    const mid = Math.round((lastPass + firstFail) / 2);
    if (mid !== lastPass && mid !== firstFail) {
      const r = await run(mid);
      if (r.pass) lastPass = mid;
      else firstFail = mid;
    }
  }
  // Final books: wait (bounded) for late deliveries, then what never came is lost.
  const expectedAll = () => steps.reduce((a, r) => a + r.expected, 0);
  const deliveredAll = () => steps.reduce((a, r) => a + r.book.delivered, 0);
  const finalUntil = nowMs() + (cfg.final_drain_s || 5) * 1000;
  while (deliveredAll() < expectedAll() && nowMs() < finalUntil) await sleep(20);
  steps.forEach((r) => {
    const st = r.book;
    r.lost = r.expected - st.delivered;
    r.late = st.late;
    r.late_max = st.late ? Math.round(st.lateMax) : null;
    r.duplicated = st.dups;
    if (r.duplicated || r.lost) r.pass = false;
    delete r.book;
  });
  all.forEach((c) => c.close());
  return {
    target: cfg.target,
    receivers: C,
    senders: S,
    receiver_users: Math.min(pool, C),
    connect_s: Math.round(connectS * 100) / 100,
    max_sustainable: lastPass,
    first_fail: firstFail,
    steps,
  };
}

// ---------------------------------------------------------------- idle connections

async function capacity(cfg) {
  const N = cfg.connections;
  const timeoutMs = (cfg.connect_timeout_s || 20) * 1000;
  const base = procStat(cfg.server_pid);
  log(`capacity ${cfg.target} N=${N}: connecting`);
  const t0 = nowMs();
  const events0 = frames.events;
  const { clients, failures } = await connectMany(cfg, N, 1, cfg.connect_concurrency || 50, timeoutMs);
  const connectS = (nowMs() - t0) / 1000;
  const quiet = await waitQuiet(cfg.server_pid, 30000);
  const settleS = (nowMs() - t0) / 1000 - connectS;
  const connectFrames = frames.events - events0;
  const connected = procStat(cfg.server_pid);
  let dropped = 0;
  clients.forEach((c) => {
    c.onLost = () => {
      dropped += 1;
    };
  });
  log(`  ${clients.length}/${N} connected in ${connectS.toFixed(1)} s, quiet after ${settleS.toFixed(1)} s`);
  const idle = new CpuWindow(cfg.server_pid);
  await sleep((cfg.hold_s || 5) * 1000);
  const idleCpu = idle.read().server_cpu;
  const held = procStat(cfg.server_pid);

  // One broadcast from an extra connection: who hears it, and when the last one does.
  const probe = await connectMany(cfg, 1, 0, 1, timeoutMs);
  await waitQuiet(cfg.server_pid, 5000);
  let reached = 0;
  let last = 0;
  let sentAt = 0;
  clients.forEach((c) => {
    c.onEvent = (buf) => {
      if (buf.indexOf(MARK) < 0) return;
      reached += 1;
      last = nowMs() - sentAt;
    };
  });
  sentAt = nowMs();
  if (probe.clients[0]) probe.clients[0].sendMessage(1, `BNCH|${RUN}|0|0|0|0|${PAD}`, `probe-${Date.now()}`, cfg.room);
  const until = nowMs() + 10000;
  while (reached < clients.length && nowMs() < until) await sleep(5);
  clients.concat(probe.clients).forEach((c) => c.close());
  const kib = (a, b) => (a && b ? Math.round(((b.rssKiB - a.rssKiB) / Math.max(1, clients.length)) * 10) / 10 : null);
  const mb = (p) => (p ? Math.round((p.rssKiB / 1024) * 10) / 10 : null);
  return {
    target: cfg.target,
    requested: N,
    connected: clients.length,
    connect_failures: failures.length,
    first_failure: failures[0] || null,
    connect_s: Math.round(connectS * 100) / 100,
    settle_s: Math.round(settleS * 100) / 100,
    frames_while_connecting: connectFrames,
    dropped_in_hold: dropped,
    hold_s: cfg.hold_s || 5,
    probe_reached: reached,
    probe_last_ms: Math.round(last * 10) / 10,
    rss_base_mb: mb(base),
    rss_connected_mb: mb(connected),
    rss_held_mb: mb(held),
    kib_per_conn: kib(base, held),
    threads: held ? held.threads : null,
    idle_cpu: idleCpu,
  };
}

// ---------------------------------------------------------------- acknowledged sends

async function commit(cfg) {
  // Closed loop: S senders keep W sends each in flight; count acknowledgements per second.
  const S = cfg.senders;
  const W = cfg.window;
  const timeoutMs = (cfg.connect_timeout_s || 20) * 1000;
  const { clients, failures } = await connectMany(cfg, S, 0, 10, timeoutMs);
  if (failures.length) return { error: failures[0] };
  await waitQuiet(cfg.server_pid, 5000);
  const hist = new Histogram();
  const pending = new Map();
  const nonce = Math.random().toString(36).slice(2, 8);
  let ackId = 0;
  let acks = 0;
  let errors = 0;
  let firstError = null;
  let stop = false;
  const send = (s) => {
    if (stop) return;
    ackId += 1;
    pending.set(ackId, nowMs());
    clients[s].sendMessage(ackId, `BNCH|${RUN}|0|${s}|${ackId}|0|${PAD}`, `${nonce}-${ackId}`, cfg.room);
  };
  const cpu = new CpuWindow(cfg.server_pid);
  clients.forEach((c, s) => {
    c.onAck = (id, buf) => {
      const t = pending.get(id);
      if (t === undefined) return;
      pending.delete(id);
      if (stop) return;
      acks += 1;
      hist.add(nowMs() - t);
      if (buf.indexOf('"ok":true') < 0) {
        errors += 1;
        if (!firstError) firstError = buf.toString().slice(0, 300);
      }
      send(s);
    };
  });
  const t0 = nowMs();
  clients.forEach((_, s) => {
    for (let i = 0; i < W; i += 1) send(s);
  });
  await sleep((cfg.duration_s || 5) * 1000);
  stop = true;
  const secs = (nowMs() - t0) / 1000;
  const usage = cpu.read();
  const drainUntil = nowMs() + 3000;
  while (pending.size && nowMs() < drainUntil) await sleep(10);
  clients.forEach((c) => c.close());
  const r = {
    target: cfg.target, senders: S, window: W, acks, errors, first_error: firstError,
    commits_per_s: Math.round(acks / secs), ...hist.summary(), ...usage,
  };
  log(`commit ${cfg.target}: ${r.commits_per_s}/s ack p50 ${r.p50} p99 ${r.p99} srv ${usage.server_cpu}%`);
  return r;
}

// ---------------------------------------------------------------- REST

async function rest(cfg) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.conns });
  const url = new URL(cfg.url);
  const hist = new Histogram();
  const statuses = {};
  let done = 0;
  let errors = 0;
  let bytes = 0;
  const bodies = cfg.bodies || (cfg.body ? [cfg.body] : [null]);
  const one = (i) => new Promise((resolve) => {
    const body = bodies[i % bodies.length];
    const data = body === null ? null : Buffer.from(JSON.stringify(body));
    const headers = { ...(cfg.headers || {}) };
    if (data) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = data.length;
    }
    const t = nowMs();
    const req = http.request({
      host: url.hostname, port: url.port, path: cfg.path, method: cfg.method || 'GET', agent, headers,
    }, (res) => {
      res.on('data', (chunk) => {
        bytes += chunk.length;
      });
      res.on('end', () => {
        statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
        hist.add(nowMs() - t);
        done += 1;
        resolve();
      });
    });
    req.setNoDelay(true);
    req.setTimeout(10000, () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      errors += 1;
      resolve();
    });
    if (data) req.write(data);
    req.end();
  });
  const cpu = new CpuWindow(cfg.server_pid);
  const t0 = nowMs();
  const until = t0 + (cfg.duration_s || 5) * 1000;
  const maxRequests = cfg.max_requests || 1e6;
  let issued = 0;
  const worker = async () => {
    while (nowMs() < until && issued < maxRequests) {
      issued += 1;
      await one(issued);
    }
  };
  await Promise.all(Array.from({ length: cfg.conns }, worker));
  const secs = (nowMs() - t0) / 1000;
  agent.destroy();
  const ok = statuses[cfg.expect_status || 200] || 0;
  const r = {
    target: cfg.target, name: cfg.name, conns: cfg.conns, requests: done, ok, errors, statuses,
    req_per_s: Math.round((ok / secs) * 10) / 10, bytes_per_response: done ? Math.round(bytes / done) : 0,
    ...hist.summary(), ...cpu.read(),
  };
  log(`rest ${cfg.target} ${cfg.name}: ${r.req_per_s} req/s p50 ${r.p50} p99 ${r.p99} srv ${r.server_cpu}%`);
  return r;
}

// ---------------------------------------------------------------- main

async function main() {
  const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  if (cfg.tokens_file) cfg.tokens = JSON.parse(fs.readFileSync(cfg.tokens_file, 'utf8'));
  const modes = { fanout, capacity, commit, rest };
  const hardStop = setTimeout(() => {
    log('loadgen: hard time limit reached');
    process.exit(3);
  }, (cfg.hard_limit_s || 300) * 1000);
  hardStop.unref();
  const result = await modes[cfg.mode](cfg);
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

main().catch((err) => {
  log('loadgen failed:', err.stack || err);
  process.exit(2);
});
