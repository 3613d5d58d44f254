// The hold timer's page side: the page runs the session, the kernel logs it.
//
// The kernel (timer_widget.py) sends the whole schedule once, as the synced trait
// `schedule`: every phase with its seconds, words, cues and tones, the first step
// and the picture of each stretch. From Start on, everything that has to be on time
// happens here, with no kernel round trip:
//
// - the session runs on performance.now() toward each phase's deadline (the same
//   state machine as backstretch_kit/timer.py's HoldTimer: a late tick catches up
//   exactly, boundaries are dated at their deadline, never by counting ticks);
// - requestAnimationFrame draws, and the second shown is computed from the deadline
//   at each frame; a smooth ring shows the phase, a bar the routine;
// - tones are scheduled on the AudioContext clock ahead of time (look-ahead
//   scheduling), so they sound on time whatever the main thread or the kernel does;
//   speech, the wake lock, keys and the aria-live announcements follow the events.
//
// The page sends what happened back as events with ids ({type: "events", now,
// events: [...]}, every time in seconds on the page's clock). Each stays queued,
// in memory and in localStorage under the session's key, until the kernel
// acknowledges it ({type: "ack", ids, refused}); unacknowledged events are resent
// with a growing delay (kernel busy, restarting, disconnected) and the widget shows
// how many holds are waiting to be saved. The kernel ignores an id it has seen.
//
// What survives what:
// - a busy kernel or a dropped connection: the page goes on, the queue is resent
//   and the kernel, which kept its state, takes each event exactly once;
// - a page reload: the queue and a snapshot of the run are in localStorage; the
//   reloaded page takes the run up where it is now and resends the queue;
// - a kernel restart: the Python widget, its log session and its list of seen ids
//   are gone. The page keeps running and keeps its queue, but nothing it sends to
//   the old widget's comm is received any more, so it shows the holds as not saved
//   and never sends them anywhere else: a new kernel cannot tell which of them the
//   old one had already written, and a hold logged twice would be worse than one
//   shown as unsaved. Holds acknowledged before the restart are in the log.

const STORE_PREFIX = "backstretch-timer:";
const PAGE_ID_KEY = "backstretch-timer-page";
const STORE_TTL_MS = 7 * 24 * 3600 * 1000; // queues of sessions untouched for a week go
const TICK_MS = 250; // the engine's own tick, for when no frame is drawn (hidden tab)
const HORIZON_S = 65; // tones are scheduled this far ahead (a throttled hidden tab
// may run its timers only once a minute)
const RESCHEDULE_S = 0.002; // a scheduled tone whose clock mapping moved more is redone
// ... up to this long before it is due: the first tones of a session are planned on
// currentTime (the output clock has no timestamp yet) and may sound a render quantum
// or an output latency off; Web Audio needs only a few ms of lead to start a note.
const RESCHEDULE_LEAD_S = 0.1;
const STALE_SPEECH_S = 1.5; // speech for events older than this (a catch-up) is skipped
const RESEND_MS = [1000, 2000, 4000, 8000, 15000];
const SLOW_ACK_MS = 4000; // after this without an ack, the page says holds are waiting
const ALIVE_MS = 3000; // a run whose page has not ticked for this long may be taken over

// (frequency Hz, seconds): a calm, clearly different shape for each kind of tone
const TONES = {
  count: [[880, 0.12]],
  halfway: [[740, 0.22]],
  switch: [[659.3, 0.14], [0, 0.05], [659.3, 0.14], [0, 0.05], [987.8, 0.22]],
  rest: [[784, 0.16], [0, 0.04], [587.3, 0.32]],
  end: [[1046.5, 0.18], [1318.5, 0.32]],
  done: [[523.3, 0.16], [659.3, 0.16], [784, 0.16], [1046.5, 0.45]],
};

const monoS = () => performance.now() / 1000;
// The page's clock in messages: seconds since the epoch, but monotonic (the wall
// clock read once, when the page loaded, plus performance.now()).
const epochOf = (mono) => performance.timeOrigin / 1000 + mono;
const monoOf = (epoch) => epoch - performance.timeOrigin / 1000;

// the same words as timer.countdown_text: whole seconds left, rounded up
function countdownText(seconds) {
  const whole = Math.max(0, Math.ceil(seconds - 1e-9));
  if (whole < 60) return String(whole);
  const s = whole % 60;
  return `${Math.floor(whole / 60)}:${s < 10 ? "0" : ""}${s}`;
}

function storage() {
  try {
    const s = globalThis.localStorage;
    const probe = `${STORE_PREFIX}probe`;
    s.setItem(probe, "1");
    s.removeItem(probe);
    return s;
  } catch {
    return null; // blocked storage: the queue lives in memory only
  }
}

function pageId() {
  try {
    let id = sessionStorage.getItem(PAGE_ID_KEY);
    if (!id) {
      id = `p${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      sessionStorage.setItem(PAGE_ID_KEY, id);
    }
    return id;
  } catch {
    return `p${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  }
}

function forgetOldSessions(store) {
  if (!store) return;
  const now = Date.now();
  for (let i = store.length - 1; i >= 0; i--) {
    const key = store.key(i);
    if (!key || !key.startsWith(STORE_PREFIX)) continue;
    try {
      const entry = JSON.parse(store.getItem(key));
      if (!entry || now - (entry.updated || 0) > STORE_TTL_MS) store.removeItem(key);
    } catch {
      store.removeItem(key);
    }
  }
}

// -- sound: one AudioContext for the page, created or resumed in a user gesture ----

function audio() {
  const shared = (globalThis.__backstretchAudio ??= { ctx: null, master: null });
  return shared;
}

function ensureAudio() {
  const shared = audio();
  const Context = globalThis.AudioContext || globalThis.webkitAudioContext;
  if (!Context) return null;
  if (!shared.ctx) {
    shared.ctx = new Context();
    shared.master = shared.ctx.createGain();
    shared.master.gain.value = 0; // each timer sets its level before its first tone
    shared.master.connect(shared.ctx.destination);
    // tones are planned only on a running clock: plan them again once it runs
    shared.ctx.addEventListener?.("statechange", () => {
      for (const timer of globalThis.backstretchTimers?.values() || []) timer.tick();
    });
  }
  if (shared.ctx.state === "suspended") shared.ctx.resume().catch(() => {});
  return shared;
}

// Audio-clock time of a moment on performance.now() (seconds). getOutputTimestamp
// relates the two clocks without the jitter of currentTime, which moves in whole
// render quanta; before the first output it reads zero, and currentTime serves.
function audioTimeOf(ctx, mono) {
  const stamp = ctx.getOutputTimestamp ? ctx.getOutputTimestamp() : null;
  if (stamp && stamp.contextTime > 0 && stamp.performanceTime > 0) {
    return stamp.contextTime + (mono - stamp.performanceTime / 1000);
  }
  return ctx.currentTime + (mono - monoS());
}

class Sound {
  constructor(timer) {
    this.timer = timer;
    this.scheduled = new Map(); // key -> {due, when, tone, nodes}
  }

  level() {
    const m = this.timer.model;
    return m.get("muted") ? 0 : Math.max(0, Math.min(1, Number(m.get("volume")) || 0));
  }

  setLevel() {
    const { ctx, master } = audio();
    if (ctx && master) master.gain.setTargetAtTime(this.level() * 0.8, ctx.currentTime, 0.01);
  }

  cancel(key) {
    const tone = this.scheduled.get(key);
    if (!tone) return;
    for (const node of tone.nodes) {
      try {
        node.stop(0);
        node.disconnect();
      } catch {
        // already stopped
      }
    }
    this.scheduled.delete(key);
  }

  cancelAll() {
    for (const key of [...this.scheduled.keys()]) this.cancel(key);
  }

  // Every tone due within the horizon, assuming no pause: phase i ends at the
  // current deadline plus the lengths of the phases in between. The sums are done
  // in the same order at every call, so a tone keeps its key (and is not scheduled
  // twice) until a pause, skip or back really moves it.
  wanted(now) {
    const engine = this.timer.engine;
    const phases = this.timer.phases;
    const out = new Map();
    if (engine.state !== "running") return out;
    let end = engine.deadline;
    for (let i = engine.index; i < phases.length; i++) {
      if (i > engine.index) end += phases[i].seconds;
      const start = end - phases[i].seconds;
      if (start > now + HORIZON_S) break;
      for (const [remaining, kind, tone] of phases[i].cues) {
        const due = end - remaining;
        if (!tone || due < now - 0.05 || due > now + HORIZON_S) continue;
        out.set(`${i}:${kind}:${due}`, { due, tone, kind, index: i });
      }
    }
    return out;
  }

  plan(now) {
    const shared = audio();
    // a suspended clock stands still: tones planned on it would all sound at once later
    if (!shared.ctx || shared.ctx.state !== "running") return;
    const wanted = this.wanted(now);
    for (const [key, tone] of this.scheduled) {
      if (tone.due < now) {
        // played or playing: kept (so never scheduled again), forgotten later
        if (tone.due < now - 3) this.scheduled.delete(key);
      } else if (!wanted.has(key)) {
        this.cancel(key); // paused, skipped, gone back, stopped
      } else if (
        tone.due - now > RESCHEDULE_LEAD_S &&
        Math.abs(audioTimeOf(shared.ctx, tone.due) - tone.when) > RESCHEDULE_S
      ) {
        this.cancel(key); // the two clocks drifted apart: scheduled again below
      }
    }
    for (const [key, want] of wanted) {
      if (!this.scheduled.has(key)) this.play(key, want, shared);
    }
  }

  play(key, want, { ctx, master }) {
    const when = Math.max(ctx.currentTime, audioTimeOf(ctx, want.due));
    const nodes = [];
    let at = when;
    for (const [frequency, seconds] of TONES[want.tone] || []) {
      if (frequency > 0) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = want.tone === "halfway" ? "triangle" : "sine";
        osc.frequency.value = frequency;
        // a short fade in and out: no clicks at the note's edges
        gain.gain.setValueAtTime(0, at);
        gain.gain.linearRampToValueAtTime(0.6, at + 0.008);
        gain.gain.setValueAtTime(0.6, at + seconds - 0.02);
        gain.gain.linearRampToValueAtTime(0, at + seconds);
        osc.connect(gain).connect(master);
        osc.start(at);
        osc.stop(at + seconds + 0.01);
        nodes.push(osc, gain);
      }
      at += seconds;
    }
    this.scheduled.set(key, { due: want.due, when, tone: want.tone, nodes });
    this.timer.tones.push({ key, tone: want.tone, due_ms: want.due * 1000, when });
    if (this.timer.tones.length > 500) this.timer.tones.shift();
  }
}

// -- the engine: HoldTimer's state machine, on performance.now() -------------------

class Engine {
  constructor(timer) {
    this.timer = timer;
    this.state = "ready";
    this.index = 0;
    this.deadline = 0; // while running: when the current phase ends (seconds, mono)
    this.remaining = 0; // while paused: the frozen remaining time
    this.cuesDone = new Set(); // cue kinds of the current phase already announced
    this.started = 0; // when the current phase started (for the history)
  }

  get phase() {
    return this.timer.phases[this.index];
  }

  remainingAt(now) {
    const seconds = this.phase ? this.phase.seconds : 0;
    if (this.state === "running") return Math.min(seconds, Math.max(0, this.deadline - now));
    if (this.state === "paused") return this.remaining;
    if (this.state === "ready") return seconds;
    return 0;
  }

  emit(event) {
    this.timer.onEngineEvent(event);
  }

  begin(index, start) {
    const phases = this.timer.phases;
    if (index >= phases.length) {
      this.state = "finished";
      this.emit({ kind: "ended", t: start, outcome: "finished" });
      return;
    }
    this.index = index;
    this.deadline = start + phases[index].seconds;
    this.remaining = phases[index].seconds;
    this.cuesDone = new Set();
    this.started = start;
    this.emit({ kind: "started", t: start, index, phase: phases[index].kind });
  }

  finish(now, outcome) {
    const phase = this.phase;
    const left = this.state === "paused" ? this.remaining : this.deadline - now;
    const actual = phase.seconds - Math.min(phase.seconds, Math.max(0, left));
    this.emit({
      kind: "finished",
      t: now,
      index: this.index,
      phase: phase.kind,
      planned_s: phase.seconds,
      actual_s: actual,
      outcome,
    });
  }

  releaseCues(now) {
    for (const [remaining, kind] of this.phase.cues) {
      if (this.deadline - now <= remaining && !this.cuesDone.has(kind)) {
        this.cuesDone.add(kind);
        this.timer.onCue(kind);
      }
    }
  }

  // every cue and boundary up to `now`, each dated when it was due
  advance(now) {
    while (this.state === "running") {
      this.releaseCues(now);
      if (now < this.deadline) return;
      const end = this.deadline;
      const phase = this.phase;
      this.emit({
        kind: "finished",
        t: end,
        index: this.index,
        phase: phase.kind,
        planned_s: phase.seconds,
        actual_s: phase.seconds,
        outcome: "completed",
      });
      this.begin(this.index + 1, end); // the next phase starts at the old deadline
    }
  }

  settle(now) {
    if (this.state === "running") this.advance(now);
    return this.state === "running" || this.state === "paused";
  }

  start(now) {
    if (this.state !== "ready") return false;
    this.state = "running";
    this.begin(0, now);
    return true;
  }

  pause(now) {
    if (this.state !== "running") return false;
    this.advance(now);
    if (this.state !== "running") return false;
    this.remaining = Math.max(0, this.deadline - now);
    this.state = "paused";
    this.emit({ kind: "pause", t: now, index: this.index, remaining_s: this.remaining });
    return true;
  }

  resume(now) {
    if (this.state !== "paused") return false;
    this.deadline = now + this.remaining;
    this.state = "running";
    this.emit({ kind: "resume", t: now, index: this.index, remaining_s: this.remaining });
    return true;
  }

  skip(now) {
    if (!this.settle(now)) return false;
    this.emit({ kind: "skip", t: now, index: this.index });
    this.finish(now, "skipped");
    this.begin(this.index + 1, now);
    return true;
  }

  back(now) {
    if (!this.settle(now)) return false;
    const elapsed = this.phase.seconds - this.remainingAt(now);
    const target =
      elapsed <= this.timer.schedule.back_restart_s && this.index > 0 ? this.index - 1 : this.index;
    this.emit({ kind: "back", t: now, index: this.index });
    this.finish(now, "back");
    this.begin(target, now);
    return true;
  }

  stop(now) {
    if (!this.settle(now)) return false;
    this.emit({ kind: "stop", t: now, index: this.index });
    this.finish(now, "stopped");
    this.state = "stopped";
    this.emit({ kind: "ended", t: now, outcome: "stopped" });
    return true;
  }

  snapshot() {
    return {
      state: this.state,
      index: this.index,
      deadline: epochOf(this.deadline),
      remaining: this.remaining,
      started: epochOf(this.started),
      cuesDone: [...this.cuesDone],
    };
  }

  restore(snap) {
    this.state = snap.state;
    this.index = snap.index;
    this.deadline = monoOf(snap.deadline);
    this.remaining = snap.remaining;
    this.started = monoOf(snap.started);
    this.cuesDone = new Set(snap.cuesDone || []);
  }
}

// -- the timer of one widget model: engine, queue, sound, speech, wake lock --------

class Timer {
  constructor(model) {
    this.model = model;
    this.key = model.get("session_key");
    this.store = storage();
    this.storeKey = STORE_PREFIX + this.key;
    this.page = pageId();
    this.views = new Set();
    this.engine = new Engine(this);
    this.sound = new Sound(this);
    this.entry = { v: 1, run: null, seq: 0, queue: [], snap: null, alive: 0, updated: 0 };
    this.outbox = []; // events of the operation under way, stamped and sent by flush()
    this.history = []; // {index, kind, start_ms} of each phase start (tests, benchmarks)
    this.finished = []; // every finished event as sent (tests, benchmarks)
    this.tones = []; // every tone scheduled (tests, benchmarks)
    this.spoken = [];
    this.sentAt = 0; // when the oldest unacknowledged event was first sent
    this.sendError = ""; // why the last send failed (a comm whose kernel is gone)
    this.resendTimer = 0;
    this.attempt = 0;
    this.tickTimer = 0;
    this.elsewhere = "";
    this.wantFocus = false;
    this.revealOnce = false; // set by load(): scroll the first view into sight
    this.wakeLock = null;
    this.wakeRequest = null;
    this.voiceNote = "";
    this.loadSchedule();
    forgetOldSessions(this.store);
    this.load();

    this.onMessage = (msg) => this.message(msg);
    model.on("msg:custom", this.onMessage);
    this.onSettings = () => {
      this.sound.setLevel();
      this.changed();
    };
    for (const name of ["change:volume", "change:muted", "change:voice", "change:large"]) {
      model.on(name, this.onSettings);
    }
    this.onKernelState = () => this.checkElsewhere();
    model.on("change:owner", this.onKernelState);
    model.on("change:state", this.onKernelState);
    model.on("change:error", () => this.changed());
    model.on("comm_live_update", () => this.changed()); // the kernel restarted or went
    this.onSchedule = () => {
      this.loadSchedule();
      this.changed();
    };
    model.on("change:schedule", this.onSchedule);
    this.onVisible = () => {
      if (document.visibilityState === "visible") {
        this.tick(); // catch up at once: timers may have slept in the background
        if (this.engine.state === "running") this.takeWakeLock();
      }
    };
    document.addEventListener("visibilitychange", this.onVisible);
    this.onHide = () => this.persist(true);
    globalThis.addEventListener("pagehide", this.onHide);
    // A guided session's Begin (or a workshop's Start) starts this timer through the
    // kernel, out of the click: the AudioContext is made in that click, so that
    // browsers that want the gesture itself (Safari) play the cues too.
    this.onGesture = (event) => {
      const target = event.target;
      if (this.engine.state === "ready" && target?.closest?.(".bk-begin, .bk-workshop-use")) {
        ensureAudio();
      }
    };
    document.addEventListener("pointerdown", this.onGesture, true);
    document.addEventListener("keydown", this.onGesture, true);
    this.checkVoices();

    (globalThis.backstretchTimers ??= new Map()).set(this.key, this);
    this.checkElsewhere();
    if (this.engine.state === "running") this.startTicking();
    if (this.entry.queue.length) this.resend();
    // the kernel asks again for a start it sent before this model existed
    if (this.engine.state === "ready" && !this.elsewhere) this.hello();
  }

  hello() {
    try {
      this.model.send({ type: "hello", now: epochOf(monoS()) });
    } catch {
      // no kernel to greet (a saved notebook's widget state, a gone kernel)
    }
  }

  loadSchedule() {
    this.schedule = this.model.get("schedule") || {};
    this.phases = this.schedule.phases || [];
  }

  // -- the stored entry: queue and snapshot, so a reload loses nothing --------------

  load() {
    if (!this.store) return;
    let entry = null;
    try {
      entry = JSON.parse(this.store.getItem(this.storeKey));
    } catch {
      entry = null;
    }
    if (!entry || entry.v !== 1) return;
    this.entry = entry;
    const snap = entry.snap;
    const live = snap && (snap.state === "running" || snap.state === "paused");
    // A run is taken up by the tab that played it (a reload) or, once that tab has
    // stopped ticking, by another one; never by two tabs at once.
    const ours = entry.run === this.page;
    const abandoned = Date.now() - (entry.alive || 0) > ALIVE_MS;
    if (snap && (!live || ours || abandoned)) {
      this.engine.restore(snap);
      this.revealOnce = live; // a reloaded page shows the running timer, not its top
      this.advance(); // what passed while the page was away, each at its own time
    } else if (live) {
      this.elsewhere = "This timer is running in another tab or window.";
    }
  }

  // The snapshot, the event counter and the queue are written together, in one
  // setItem, before anything is sent: a page that dies at any point comes back to
  // a state whose next events get the ids the kernel expects, never a reused id.
  persist(closing = false) {
    if (!this.store) return;
    if (this.engine.state === "ready" && !this.entry.queue.length) {
      this.store.removeItem(this.storeKey); // never started: nothing to keep
      return;
    }
    this.entry.snap = this.engine.state === "ready" ? null : this.engine.snapshot();
    this.entry.alive = closing ? 0 : Date.now();
    this.entry.updated = Date.now();
    try {
      this.store.setItem(this.storeKey, JSON.stringify(this.entry));
    } catch {
      // a full storage: the queue is still in memory
    }
  }

  // -- events: queue, send, resend until acknowledged ------------------------------

  onEngineEvent(event) {
    const now = monoS();
    if (event.kind === "started") {
      this.history.push({ index: event.index, kind: event.phase, start_ms: event.t * 1000 });
      if (this.history.length > 1000) this.history.shift();
      const phase = this.phases[event.index];
      if (now - event.t <= STALE_SPEECH_S) this.say(phase.say);
      this.announce(phase.announce);
    } else if (event.kind === "ended") {
      this.releaseWakeLock();
      if (event.outcome === "finished") {
        if (now - event.t <= STALE_SPEECH_S) this.say(this.schedule.say_done);
        this.announce(this.schedule.done_status);
      } else {
        this.announce(this.schedule.stopped_status);
      }
    } else if (event.kind === "finished") {
      this.finished.push({ ...event, t_ms: event.t * 1000 });
      if (this.finished.length > 1000) this.finished.shift();
    } else if (event.kind === "pause") {
      this.announce("Paused.");
    } else if (event.kind === "resume") {
      this.announce("Carrying on.");
    }
    this.outbox.push(event);
  }

  // a cue reached on the page's clock (its tone was scheduled long before)
  onCue(kind) {
    if (kind === "halfway") this.announce("Halfway.");
  }

  // Stamp the events of one engine operation with ids, store, then send them.
  flush() {
    if (!this.outbox.length) return;
    if (!this.entry.run) this.entry.run = this.page; // the run's id: the page that plays it
    const events = this.outbox.splice(0).map((event) => {
      this.entry.seq += 1;
      return {
        ...event,
        t: epochOf(event.t),
        id: `${this.entry.run}:${this.entry.seq}`,
        page: this.entry.run,
        seq: this.entry.seq,
      };
    });
    this.entry.queue.push(...events);
    this.persist();
    if (!this.sentAt) this.sentAt = Date.now();
    this.send(events);
    this.armResend();
    this.changed();
  }

  send(events) {
    try {
      this.model.send({ type: "events", now: epochOf(monoS()), events });
      this.sendError = "";
    } catch (error) {
      // the comm refuses (its kernel is gone): the events stay queued, the page says so
      this.sendError = String(error?.message || error);
    }
  }

  armResend() {
    if (this.resendTimer || !this.entry.queue.length) return;
    const delay = RESEND_MS[Math.min(this.attempt, RESEND_MS.length - 1)];
    this.resendTimer = setTimeout(() => {
      this.resendTimer = 0;
      this.attempt += 1;
      this.resend();
    }, delay);
    if (!this.slowTimer && this.sentAt) {
      // say "waiting to be saved" as soon as the oldest event has waited that long
      const wait = Math.max(0, SLOW_ACK_MS - (Date.now() - this.sentAt)) + 20;
      this.slowTimer = setTimeout(() => {
        this.slowTimer = 0;
        this.changed();
      }, wait);
    }
  }

  resend() {
    if (!this.entry.queue.length) return;
    if (!this.sentAt) this.sentAt = Date.now();
    if (!this.kernelGone()) this.send(this.entry.queue);
    this.armResend();
    this.changed();
  }

  // JupyterLab marks a widget whose kernel restarted or shut down: its comm is gone for
  // good (the new kernel has no such widget), so nothing this page sends arrives.
  kernelGone() {
    if (this.sendError) return true;
    return [...this.views].some((v) => v.el.closest(".jupyter-widgets-disconnected"));
  }

  message(msg) {
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "ack") this.acknowledged(msg);
    else if (msg.type === "command") this.command(msg.command, false);
  }

  acknowledged(msg) {
    const done = new Set([...(msg.ids || []), ...Object.keys(msg.refused || {})]);
    if (!done.size) return;
    const before = this.entry.queue.length;
    this.entry.queue = this.entry.queue.filter((e) => !done.has(e.id));
    if (this.entry.queue.length === before) return; // an ack of a resend already handled
    this.attempt = 0;
    this.sentAt = this.entry.queue.length ? Date.now() : 0;
    const reasons = Object.values(msg.refused || {});
    if (reasons.some((r) => String(r).startsWith("another"))) {
      this.standDown("This timer is running in another tab or window.");
    } else if (reasons.length) {
      this.announce(`The kernel refused an event: ${reasons[0]}`);
    }
    if (this.resendTimer) {
      clearTimeout(this.resendTimer);
      this.resendTimer = 0;
    }
    clearTimeout(this.slowTimer);
    this.slowTimer = 0;
    this.persist();
    this.armResend();
    this.changed();
  }

  // holds finished here that the kernel has not acknowledged yet
  waiting() {
    return this.entry.queue.filter(
      (e) => e.kind === "finished" && e.phase === "hold" && e.outcome !== "back",
    ).length;
  }

  // -- commands: buttons, keys and the kernel's TimerWidget.start() & co ------------

  command(name, fromUser) {
    if (this.elsewhere && name !== "fullscreen") return;
    const now = monoS();
    const engine = this.engine;
    if (fromUser || name === "start") ensureAudio(); // a click or key: audio may start
    this.advance(now);
    let acted = false;
    if (name === "start") acted = engine.start(now);
    else if (name === "toggle_pause")
      acted = engine.state === "paused" ? engine.resume(now) : engine.pause(now);
    else if (name === "pause") acted = engine.pause(now);
    else if (name === "resume") acted = engine.resume(now);
    else if (name === "skip") acted = engine.skip(now);
    else if (name === "back") acted = engine.back(now);
    else if (name === "stop") acted = engine.stop(now);
    if (!acted) return;
    this.sound.setLevel();
    if (engine.state === "running") {
      this.takeWakeLock();
      this.startTicking();
      if (name === "start") this.focusView();
    } else {
      this.releaseWakeLock();
    }
    if (engine.state === "paused" || engine.state === "stopped") {
      globalThis.speechSynthesis?.cancel();
    }
    this.sound.plan(now);
    this.flush();
    this.changed();
  }

  // Keys work once the timer has the focus: take it at the start, unless the
  // person is typing somewhere (a started-by-Begin timer has just replaced Begin).
  focusView() {
    const active = document.activeElement;
    const typing = active?.closest?.("input, textarea, select, [contenteditable], .cm-editor");
    if (typing) return;
    for (const view of this.views) {
      if (view.el.isConnected) {
        view.el.focus({ preventScroll: true });
        return;
      }
    }
    this.wantFocus = true; // the view is still being made: it takes the focus when shown
  }

  standDown(reason) {
    this.elsewhere = reason;
    this.sound.cancelAll();
    this.releaseWakeLock();
    this.stopTicking();
    this.changed();
  }

  // The kernel knows which page plays the session; a page that is not it (a second
  // tab, a page reloaded with storage blocked) shows so and offers no controls.
  checkElsewhere() {
    const owner = this.model.get("owner");
    const kernelState = this.model.get("state");
    if (!owner || this.engine.state !== "ready") {
      if (owner && this.entry.run && owner !== this.entry.run && !this.elsewhere) {
        this.standDown("This timer is running in another tab or window.");
      }
      this.changed();
      return;
    }
    if (kernelState === "running" || kernelState === "paused") {
      this.elsewhere = "This timer is running in another tab or window.";
    } else if (kernelState === "finished" || kernelState === "stopped") {
      this.elsewhere = "This routine was played in another tab or window.";
    }
    this.changed();
  }

  // -- time ------------------------------------------------------------------------

  advance(now = monoS()) {
    this.engine.advance(now);
    this.flush();
  }

  tick() {
    const now = monoS();
    this.advance(now);
    this.sound.plan(now);
    if (Date.now() - this.entry.alive > 1000) this.persist();
    for (const view of this.views) view.wake();
    if (this.engine.state !== "running") this.stopTicking();
  }

  startTicking() {
    if (this.tickTimer) return;
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
  }

  stopTicking() {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = 0;
  }

  // -- speech, announcements, wake lock ---------------------------------------------

  checkVoices() {
    const speech = globalThis.speechSynthesis;
    if (!speech || typeof globalThis.SpeechSynthesisUtterance !== "function") {
      this.voiceNote = "This browser cannot speak the cues; the tones still sound.";
      return;
    }
    const look = () => {
      const none = speech.getVoices().length === 0;
      this.voiceNote = none ? "No voice is installed for spoken cues; the tones still sound." : "";
      this.changed();
    };
    speech.addEventListener?.("voiceschanged", look);
    this.voicesTimer = setTimeout(look, 1500); // some browsers never send voiceschanged
  }

  say(text) {
    if (!text) return;
    this.spoken.push(text);
    const speech = globalThis.speechSynthesis;
    const m = this.model;
    if (!speech || !m.get("voice") || m.get("muted") || this.elsewhere) return;
    try {
      const words = new SpeechSynthesisUtterance(text);
      words.volume = Math.max(0, Math.min(1, Number(m.get("volume")) || 0));
      words.lang = document.documentElement.lang || "en";
      if (speech.speaking || speech.pending) speech.cancel(); // never a backlog of stale words
      speech.speak(words);
    } catch {
      // speech failed: the tones and the screen carry on
    }
  }

  announce(text) {
    if (!text) return;
    for (const view of this.views) view.announce(text);
  }

  takeWakeLock() {
    const lock = navigator.wakeLock;
    if (!lock || this.wakeLock || this.wakeRequest || document.visibilityState !== "visible") {
      return;
    }
    this.wakeRequest = lock
      .request("screen")
      .then((sentinel) => {
        this.wakeRequest = null;
        if (this.engine.state !== "running") {
          sentinel.release();
          return;
        }
        this.wakeLock = sentinel;
        sentinel.addEventListener?.("release", () => {
          if (this.wakeLock === sentinel) this.wakeLock = null;
        });
      })
      .catch(() => {
        this.wakeRequest = null; // not allowed here (battery saver, policy): no matter
      });
  }

  releaseWakeLock() {
    const sentinel = this.wakeLock;
    this.wakeLock = null;
    if (sentinel) sentinel.release().catch(() => {});
  }

  // -- views ------------------------------------------------------------------------

  changed() {
    for (const view of this.views) view.update();
  }

  inspect() {
    const engine = this.engine;
    const ctx = audio().ctx;
    return {
      state: engine.state,
      index: engine.index,
      deadline_ms: engine.deadline * 1000,
      remaining_s: engine.remainingAt(monoS()),
      run: this.entry.run,
      queued: this.entry.queue.map((e) => e.id),
      waiting: this.waiting(),
      history: this.history.slice(),
      finished: this.finished.slice(),
      tones: this.tones.slice(),
      spoken: this.spoken.slice(),
      audio: ctx ? ctx.state : "none",
      wake_lock: Boolean(this.wakeLock),
      elsewhere: this.elsewhere,
      send_error: this.sendError,
      kernel_gone: this.kernelGone(),
      voice_note: this.voiceNote,
    };
  }

  dispose() {
    this.model.off("msg:custom", this.onMessage);
    document.removeEventListener("visibilitychange", this.onVisible);
    document.removeEventListener("pointerdown", this.onGesture, true);
    document.removeEventListener("keydown", this.onGesture, true);
    globalThis.removeEventListener("pagehide", this.onHide);
    this.stopTicking();
    clearTimeout(this.resendTimer);
    clearTimeout(this.slowTimer);
    clearTimeout(this.voicesTimer);
    this.sound.cancelAll();
    this.releaseWakeLock();
    this.persist(true);
    if (globalThis.backstretchTimers?.get(this.key) === this) {
      globalThis.backstretchTimers.delete(this.key);
    }
  }
}

// -- one view: the DOM, drawn by requestAnimationFrame -------------------------------

const RING_R = 52;
const RING_C = 2 * Math.PI * RING_R;

function make(tag, className, attributes = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function button(className, label, text, title) {
  const b = make("button", `bk-button ${className}`, { type: "button", "aria-label": label });
  b.textContent = text;
  b.title = title || label;
  return b;
}

class View {
  constructor(timer, el) {
    this.timer = timer;
    this.el = el;
    this.frame = 0;
    this.shown = { key: "", countdown: "", ring: -1, bar: -1 };
    this.build();
    this.update();
    if (timer.revealOnce) {
      timer.revealOnce = false;
      this.reveal();
    }
  }

  // After a reload the notebook opens at its top and the run goes on further down: bring
  // this view to the middle of its scroller once it is in the page, and once more if the
  // cells drawn after it pushed it out of sight again.
  reveal(tries = 0, settled = false) {
    if (!this.el.isConnected || this.el.getBoundingClientRect().height === 0) {
      if (tries < 600) requestAnimationFrame(() => this.reveal(tries + 1, settled));
      return;
    }
    const box = this.el.getBoundingClientRect();
    const inSight = box.top >= 0 && box.bottom <= globalThis.innerHeight;
    if (!inSight) this.el.scrollIntoView({ block: "center" });
    if (!settled) this.revealTimer = setTimeout(() => this.reveal(0, true), 700);
  }

  build() {
    const el = this.el;
    el.classList.add("bk-timer");
    el.tabIndex = 0; // keys work once the timer has the focus (Start gives it)
    el.setAttribute("role", "group");
    el.setAttribute("aria-label", "Hold timer");
    const face = make("div", "bk-face");
    const top = make("div", "bk-top");
    this.picture = make("img", "bk-picture", { alt: "" });
    const words = make("div", "bk-words");
    this.name = make("div", "bk-name");
    this.step = make("div", "bk-step");
    this.status = make("div", "bk-status");
    words.append(this.name, this.step, this.status);
    const dial = make("div", "bk-dial");
    const svgNS = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("class", "bk-ring");
    svg.setAttribute("viewBox", "0 0 120 120");
    svg.setAttribute("aria-hidden", "true");
    const track = document.createElementNS(svgNS, "circle");
    const fill = document.createElementNS(svgNS, "circle");
    for (const [c, cls] of [
      [track, "bk-ring-track"],
      [fill, "bk-ring-fill"],
    ]) {
      c.setAttribute("class", cls);
      c.setAttribute("cx", "60");
      c.setAttribute("cy", "60");
      c.setAttribute("r", String(RING_R));
    }
    fill.setAttribute("stroke-dasharray", String(RING_C));
    fill.setAttribute("transform", "rotate(-90 60 60)");
    svg.append(track, fill);
    this.ring = fill;
    this.countdown = make("div", "bk-countdown", { role: "timer", "aria-atomic": "true" });
    dial.append(svg, this.countdown);
    top.append(this.picture, words, dial);

    this.bar = make("div", "bk-progress", {
      role: "progressbar",
      "aria-label": "Routine done",
      "aria-valuemin": "0",
      "aria-valuemax": "100",
    });
    this.barFill = make("div", "bk-progress-fill");
    this.bar.append(this.barFill);
    this.next = make("div", "bk-next");

    const buttons = make("div", "bk-buttons");
    this.startButton = button("bk-start", "Start the timer", "▶ Start", "Start (space)");
    this.pauseButton = button("bk-pause", "Pause the timer", "❚❚ Pause", "Pause (space)");
    this.backButton = button("bk-back", "Go back", "⏮ Back", "Back (left arrow)");
    this.skipButton = button("bk-skip", "Skip to what comes next", "⏭ Skip", "Skip (right arrow)");
    this.stopButton = button("bk-stop", "Stop the routine", "■ Stop", "Stop");
    buttons.append(
      this.startButton,
      this.pauseButton,
      this.backButton,
      this.skipButton,
      this.stopButton,
    );
    const sound = make("div", "bk-sound");
    this.muteButton = button("bk-mute", "Mute", "🔊 Sound on", "Mute or unmute the cues");
    this.volume = make("input", "bk-volume", {
      type: "range",
      min: "0",
      max: "1",
      step: "0.05",
      "aria-label": "Volume",
    });
    this.voiceButton = button("bk-voice", "Spoken cues", "🗣 Voice on", "Spoken cues on or off");
    this.fullButton = button("bk-fullscreen", "Full screen", "⛶ Full screen", "Full screen (F)");
    sound.append(this.muteButton, this.volume, this.voiceButton, this.fullButton);

    const notes = make("div", "bk-notes");
    this.pending = make("div", "bk-pending");
    this.note = make("div", "bk-voice-note");
    this.error = make("div", "bk-error");
    notes.append(this.pending, this.note, this.error);
    this.live = make("div", "bk-live", { "aria-live": "polite", role: "status" });

    face.append(top, this.bar, this.next, buttons, sound, notes, this.live);
    el.replaceChildren(face);

    const timer = this.timer;
    const model = timer.model;
    const act = (name) => () => timer.command(name, true);
    this.startButton.addEventListener("click", act("start"));
    this.pauseButton.addEventListener("click", act("toggle_pause"));
    this.backButton.addEventListener("click", act("back"));
    this.skipButton.addEventListener("click", act("skip"));
    this.stopButton.addEventListener("click", act("stop"));
    this.muteButton.addEventListener("click", () => {
      ensureAudio();
      model.set("muted", !model.get("muted"));
      model.save_changes();
    });
    this.voiceButton.addEventListener("click", () => {
      model.set("voice", !model.get("voice"));
      model.save_changes();
    });
    this.volume.addEventListener("input", () => {
      model.set("volume", Number(this.volume.value));
      model.save_changes();
    });
    this.fullButton.addEventListener("click", () => this.toggleFullscreen());
    this.onKey = (event) => this.key(event);
    el.addEventListener("keydown", this.onKey);
    // JupyterLab's shortcuts (Lumino) skip an event from inside an element marked
    // data-lm-suppress-shortcuts. A plain key typed in the timer is the timer's (a
    // notebook's "A" or "M" must not act on a cell behind it); Ctrl+S and the other
    // combinations still reach the application. Marked just before Lumino looks, in
    // case it listens in the capture phase; keydown below stops plain keys bubbling.
    this.onAnyKey = (event) => {
      if (!this.el.contains(event.target)) return;
      if (event.ctrlKey || event.metaKey || event.altKey) {
        this.el.removeAttribute("data-lm-suppress-shortcuts");
      } else {
        this.el.setAttribute("data-lm-suppress-shortcuts", "true");
      }
    };
    globalThis.addEventListener("keydown", this.onAnyKey, true);
    this.onFullscreen = () => this.update();
    document.addEventListener("fullscreenchange", this.onFullscreen);
  }

  key(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return; // Ctrl+S: the application's
    event.stopPropagation(); // a plain key in the timer is never a notebook shortcut
    const target = event.target;
    if (target && target !== this.el && target.matches?.("input, textarea, select")) return;
    const timer = this.timer;
    let name = null;
    if (event.key === " " || event.key === "Spacebar") {
      if (target?.closest?.("button") && target !== this.el) return; // the button's own
      name = timer.engine.state === "ready" ? "start" : "toggle_pause";
    } else if (event.key === "ArrowRight") name = "skip";
    else if (event.key === "ArrowLeft") name = "back";
    else if (event.key === "f" || event.key === "F") name = "fullscreen";
    if (!name) return;
    event.preventDefault(); // no page scroll, no button click
    if (name === "fullscreen") this.toggleFullscreen();
    else timer.command(name, true);
  }

  toggleFullscreen() {
    if (document.fullscreenElement === this.el) {
      document.exitFullscreen?.().catch(() => {});
    } else if (this.el.requestFullscreen) {
      this.el.requestFullscreen().catch(() => {});
    }
  }

  announce(text) {
    // the same words twice in a row are still read out: clear, then set
    this.live.textContent = "";
    this.liveTimer = setTimeout(() => {
      this.live.textContent = text;
    }, 30);
  }

  wake() {
    if (!this.frame && this.el.isConnected && this.timer.engine.state === "running") {
      this.frame = requestAnimationFrame((t) => this.draw(t));
    }
  }

  // One frame: move the engine to now, then show what is true now.
  draw() {
    this.frame = 0;
    const timer = this.timer;
    if (timer.wantFocus && this.el.isConnected) {
      timer.wantFocus = false;
      timer.focusView();
    }
    try {
      timer.advance();
      this.paint(monoS());
    } finally {
      this.wake(); // whatever went wrong, the countdown keeps being drawn
    }
  }

  paint(now) {
    const timer = this.timer;
    const engine = timer.engine;
    const state = engine.state;
    const phase = engine.phase;
    const schedule = timer.schedule;
    const large = Boolean(timer.model.get("large"));
    this.el.classList.toggle("bk-large", large);
    this.el.classList.toggle("bk-fullscreen-on", document.fullscreenElement === this.el);
    this.el.dataset.state = timer.elsewhere ? "elsewhere" : state;

    const key = `${state}|${engine.index}|${timer.elsewhere}|${schedule.version}|${large}`;
    if (key !== this.shown.key && phase) {
      this.shown.key = key;
      this.name.textContent = phase.name || "Stretch";
      const step = (schedule.steps || {})[phase.stretch_id] || "";
      this.step.textContent = step;
      this.step.hidden = !step;
      const picture = (schedule.pictures || {})[phase.stretch_id];
      if (picture) {
        if (this.picture.getAttribute("src") !== picture) this.picture.src = picture;
        this.picture.alt = `Picture of ${phase.name || "the stretch"}`;
        this.picture.hidden = false;
      } else {
        this.picture.hidden = true;
        this.picture.removeAttribute("src");
      }
      let status = phase.status;
      let next = phase.next;
      if (state === "finished") {
        status = schedule.done_status;
        next = "";
      } else if (state === "stopped") {
        status = schedule.stopped_status;
        next = "";
      }
      if (timer.elsewhere) {
        status = timer.elsewhere;
        next = "";
      }
      this.status.textContent = status;
      this.next.textContent = next;
    }

    let text;
    if (timer.elsewhere) text = "–";
    else if (state === "finished") text = "Done";
    else if (state === "stopped") text = "Stopped";
    else text = countdownText(engine.remainingAt(now));
    // a phase whose deadline passed before the engine moved on (a repaint between two
    // frames) never shows 0: the next frame starts the next phase at that deadline
    const ended = state === "running" && engine.remainingAt(now) <= 0;
    if (text !== this.shown.countdown && !ended) {
      this.shown.countdown = text;
      this.countdown.textContent = text;
    }

    const seconds = phase ? phase.seconds : 0;
    const left = engine.remainingAt(now);
    const phaseDone = state === "finished" ? 1 : seconds > 0 ? 1 - left / seconds : 0;
    const ring = Math.round(phaseDone * 1000) / 1000;
    if (ring !== this.shown.ring) {
      this.shown.ring = ring;
      this.ring.setAttribute("stroke-dashoffset", String(RING_C * (1 - ring)));
    }
    const total = schedule.total_s || 0;
    let done = 0;
    if (state === "finished") done = 1;
    else if (phase && total > 0) {
      const before = state === "stopped" ? phase.start_s : phase.start_s + (seconds - left);
      done = Math.min(1, Math.max(0, before / total));
    }
    const bar = Math.round(done * 1000) / 10;
    if (bar !== this.shown.bar) {
      this.shown.bar = bar;
      this.barFill.style.width = `${bar}%`;
      this.bar.setAttribute("aria-valuenow", String(Math.round(bar)));
    }
  }

  // Everything but the countdown: buttons, sound settings, notes.
  update() {
    const timer = this.timer;
    const model = timer.model;
    const state = timer.engine.state;
    const live = state === "running" || state === "paused";
    const off = Boolean(timer.elsewhere);
    this.startButton.disabled = off || state !== "ready";
    for (const b of [this.pauseButton, this.backButton, this.skipButton, this.stopButton]) {
      b.disabled = off || !live;
    }
    const paused = state === "paused";
    this.pauseButton.textContent = paused ? "▶ Resume" : "❚❚ Pause";
    this.pauseButton.setAttribute("aria-label", paused ? "Resume the timer" : "Pause the timer");
    this.pauseButton.title = paused ? "Resume (space)" : "Pause (space)";
    const muted = Boolean(model.get("muted"));
    this.muteButton.textContent = muted ? "🔇 Muted" : "🔊 Sound on";
    this.muteButton.setAttribute("aria-pressed", String(muted));
    this.muteButton.setAttribute("aria-label", "Mute");
    const voice = Boolean(model.get("voice"));
    this.voiceButton.textContent = voice ? "🗣 Voice on" : "🗣 Voice off";
    this.voiceButton.setAttribute("aria-pressed", String(voice));
    const volume = String(model.get("volume"));
    if (this.volume.value !== volume) this.volume.value = volume;
    this.volume.disabled = muted;
    const full = document.fullscreenElement === this.el;
    this.fullButton.textContent = full ? "⛶ Leave full screen" : "⛶ Full screen";
    this.fullButton.hidden = !this.el.requestFullscreen;

    const waiting = timer.waiting();
    const slow = timer.sentAt && Date.now() - timer.sentAt >= SLOW_ACK_MS;
    const holds = `${waiting} finished hold${waiting === 1 ? "" : "s"}`;
    let pending = "";
    if (waiting && timer.kernelGone()) {
      pending =
        `${holds} could not be saved: the kernel restarted or stopped, so they are not ` +
        "in your log. Note them down if you want to keep them; running the notebook " +
        "again starts a new session.";
    } else if (waiting && slow) {
      pending =
        `${holds} ${waiting === 1 ? "is" : "are"} waiting to be saved: the kernel has not ` +
        "answered yet (busy, restarting or disconnected). The timer goes on, and this " +
        "page keeps sending them.";
    }
    this.pending.textContent = pending;
    this.pending.hidden = !pending;
    this.note.textContent = voice && !muted ? timer.voiceNote : "";
    this.note.hidden = !this.note.textContent;
    const error = model.get("error") || "";
    if (this.error.innerHTML !== error) this.error.innerHTML = error; // escaped by the kernel
    this.error.hidden = !error;
    this.shown.key = ""; // words may have changed with the state
    this.paint(monoS());
    this.wake();
  }

  dispose() {
    if (this.frame) cancelAnimationFrame(this.frame);
    clearTimeout(this.liveTimer);
    clearTimeout(this.revealTimer);
    this.el.removeEventListener("keydown", this.onKey);
    globalThis.removeEventListener("keydown", this.onAnyKey, true);
    document.removeEventListener("fullscreenchange", this.onFullscreen);
  }
}

// -- the anywidget module: one Timer per model, one View per displayed copy ----------

const timers = new Map();

export default {
  initialize({ model }) {
    const timer = new Timer(model);
    timers.set(timer.key, timer);
    return () => {
      timer.dispose();
      if (timers.get(timer.key) === timer) timers.delete(timer.key);
    };
  },
  render({ model, el }) {
    let timer = timers.get(model.get("session_key"));
    if (!timer) {
      timer = new Timer(model); // a host that skipped initialize
      timers.set(timer.key, timer);
    }
    const view = new View(timer, el);
    timer.views.add(view);
    return () => {
      timer.views.delete(view);
      view.dispose();
    };
  },
};
