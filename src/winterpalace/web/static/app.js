// Winter Palace in a browser: the student's page (classroom) and the single-player page.
//
// Everything shown is built with createElement and textContent: no text from the server (a
// scene, a name, a `say` line) is ever parsed as HTML. The server sends typed messages (see
// winterpalace/web/protocol.py); this file only draws them and sends back lines, the same
// lines a terminal player types ("3", "wait", "say hello").
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const MAX_STORY = 80;               // entries kept on the page (older ones are dropped)
  const SEAT = "wp-seat:" + location.host;
  const KEY = "wp-key:" + location.host;

  const state = {
    ws: null,
    mode: null,            // "class" | "single"
    asking: null,          // the last `ask` message
    view: null,            // the last Screen's view
    retry: 0,              // reconnection attempts in a row
    closedForGood: false,  // a bye without retry: wait for the student
    userActed: false,      // the next scene came from this student's own action
    digits: "",
    digitTimer: null,
    seatName: "",
  };

  // ------------------------------------------------------------------ small helpers

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function paragraphs(parent, text, cls) {
    const parts = String(text || "").split(/\n\s*\n/);
    for (const part of parts) {
      const t = part.replace(/\s*\n\s*/g, " ").trim();
      if (t) parent.appendChild(el("p", cls, t));
    }
    return parent;
  }

  function storage(kind) {
    try { return kind === "local" ? window.localStorage : window.sessionStorage; }
    catch (e) { return null; }
  }
  function load(key) { const s = storage("local"); try { return s ? s.getItem(key) : null; } catch (e) { return null; } }
  function keep(key, value) { const s = storage("local"); try { if (s) s.setItem(key, value); } catch (e) { /* private mode */ } }
  function drop(key) { const s = storage("local"); try { if (s) s.removeItem(key); } catch (e) { /* private mode */ } }

  function seat() {
    const raw = load(SEAT);
    if (!raw) return null;
    try { const v = JSON.parse(raw); return v && typeof v.token === "string" ? v : null; }
    catch (e) { return null; }
  }

  // ------------------------------------------------------------------ the connection

  function connect() {
    state.closedForGood = false;
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    let ws;
    try { ws = new WebSocket(scheme + location.host + "/ws"); }
    catch (e) { scheduleRetry(); return; }
    state.ws = ws;
    showConnection(state.retry ? "Connecting again\u2026" : "Connecting\u2026");
    ws.addEventListener("open", () => {
      state.retry = 0;
      showConnection("");
    });
    ws.addEventListener("message", (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      if (msg && typeof msg.t === "string") handle(msg);
    });
    ws.addEventListener("close", () => {
      if (state.ws !== ws) return;
      state.ws = null;
      hideInputs();
      if (!state.closedForGood) scheduleRetry();
    });
  }

  function scheduleRetry() {
    state.retry += 1;
    const seconds = Math.min(15, Math.pow(2, Math.min(state.retry, 4)) / 2);
    showConnection("The connection was lost. Trying again in " + Math.ceil(seconds) + " s\u2026");
    setTimeout(connect, seconds * 1000);
  }

  function send(msg) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) {
      state.ws.send(JSON.stringify(msg));
      return true;
    }
    addNotice({ text: "Not connected just now: that was not sent.", kind: "warning" });
    return false;
  }

  function sendLine(text, fromUser) {
    if (send({ t: "line", text: String(text) })) state.userActed = !!fromUser;
  }

  function showConnection(text) {
    const c = $("connection");
    c.textContent = text;
    c.hidden = !text;
  }

  // ------------------------------------------------------------------ messages

  function handle(msg) {
    if (msg.t === "ask" || msg.t === "out" || msg.t === "seat") showConnection("");
    switch (msg.t) {
      case "hello": return onHello(msg);
      case "login": return onLogin(msg);
      case "ask": return onAsk(msg);
      case "out": return onOut(msg);
      case "status": return onStatus(msg);
      case "seat": return onSeat(msg);
      case "bye": return onBye(msg);
      case "error": return addNotice({ text: msg.text, kind: "warning" });
      default: return undefined;    // a newer server: ignore what this page does not know
    }
  }

  function onHello(msg) {
    state.mode = msg.mode;
    document.title = msg.title || "Winter Palace";
    $("bar-title").textContent = msg.title || "Winter Palace";
    $("bye").hidden = true;
    if (msg.mode === "single") {
      send({ t: "hello", key: load(KEY) || "" });
      return;
    }
    $("insecure").hidden = !!msg.secure;
    const kept = seat();
    if (kept) showConnection("Taking your seat again" + (kept.name ? ", " + kept.name : "") + "\u2026");
    send({ t: "hello", seat: kept ? kept.token : null });
  }

  function onLogin(msg) {
    showConnection("");
    hideInputs();
    const login = $("login");
    login.hidden = false;
    const note = $("login-note");
    note.textContent = msg.note || "";
    note.hidden = !msg.note;
    if (msg.note) drop(SEAT);
    $("login-error").textContent = msg.error || "";
    const code = $("code");
    if (msg.error) { code.select(); }
    code.focus();
  }

  function onSeat(msg) {
    state.seatName = msg.name || "";
    keep(SEAT, JSON.stringify({ token: msg.token, name: msg.name }));
    $("leave").hidden = false;
  }

  function onBye(msg) {
    state.closedForGood = !msg.retry;
    if (msg.forget) drop(SEAT);
    hideInputs();
    showConnection("");
    $("bye-text").textContent = msg.text || "The connection has closed.";
    $("rejoin").textContent = state.mode === "single" ? "Open the game again" : "Join again";
    $("rejoin").hidden = !!msg.final;      // the server itself has stopped: nothing to rejoin
    $("bye").hidden = false;
    if (msg.retry) {
      state.retry = 1;
      scheduleRetry();
    } else if (!msg.final) {
      $("rejoin").focus();
    }
  }

  function onStatus(msg) {
    if (msg.time) {
      $("clock").textContent = msg.hhmm || msg.time;
      $("clock-date").textContent = msg.hhmm ? msg.time.replace(msg.hhmm, "").replace(/^\s*\u00b7\s*/, "") : "";
      $("place").textContent = msg.place;
      $("area").textContent = msg.area && msg.area !== msg.place ? " \u00b7 " + msg.area : "";
    }
    const cc = $("class-clock");
    if (msg.class) {
      const c = msg.class;
      cc.textContent = "Class clock " + c.now + " \u00b7 act until " + c.limit + " \u00b7 " + c.state;
      cc.hidden = false;
    }
  }

  // ------------------------------------------------------------------ questions

  function hideInputs() {
    $("ask").hidden = true;
    $("choices").hidden = true;
    $("command").hidden = true;
    $("login").hidden = true;
  }

  function onAsk(msg) {
    state.asking = msg;
    $("login").hidden = true;
    if (msg.kind === "play") {
      $("ask").hidden = true;
      $("command").hidden = false;
      drawChoices();
      return;
    }
    $("choices").hidden = true;
    $("command").hidden = true;
    const ask = $("ask");
    const title = $("ask-title");
    const options = $("ask-options");
    const form = $("ask-form");
    const extra = $("ask-extra");
    options.replaceChildren();
    extra.replaceChildren();
    title.textContent = msg.title || msg.prompt || "";
    const opts = Array.isArray(msg.options) ? msg.options : [];
    if (opts.length) {
      form.hidden = true;
      const list = el("ol", "options");
      opts.forEach((o) => {
        const li = el("li");
        const b = optionButton(o, msg.default);
        li.appendChild(b);
        list.appendChild(li);
      });
      options.replaceChildren(list);
      if (msg.title && msg.prompt) options.prepend(el("p", "hint", msg.prompt));
    } else {
      form.hidden = false;
      const input = $("ask-input");
      const label = $("ask-label");
      label.textContent = msg.prompt || "";
      input.value = "";
      input.type = "text";
      input.removeAttribute("inputmode");
      input.autocomplete = "off";
      if (msg.kind === "pin") {
        title.textContent = "Your PIN";
        input.inputMode = "numeric";
        input.autocomplete = "one-time-code";
        label.textContent = "The four-digit PIN you were given when you first joined as " + (msg.title || "this name");
        extra.appendChild(answerButton("I have lost my PIN", ""));
      } else if (msg.kind === "name") {
        title.textContent = "Your name";
        input.value = msg.default || "";
        input.autocomplete = "nickname";
        label.textContent = "Your first name or a nickname";
        extra.appendChild(answerButton("Give me a handle instead", ""));
      }
      ask.hidden = false;
      input.focus();
      return;
    }
    ask.hidden = false;
    const first = options.querySelector("button:not([aria-disabled='true'])");
    if (first) first.focus({ preventScroll: true });
    ask.scrollIntoView({ block: "nearest" });
  }

  function answerButton(label, answer) {
    const b = el("button", "", label);
    b.type = "button";
    b.addEventListener("click", () => sendLine(answer, true));
    return b;
  }

  function optionButton(o, suggested) {
    const b = el("button", "choice");
    b.type = "button";
    b.appendChild(el("span", "num", o.answer && /^\d+$/.test(o.answer) ? o.answer : "\u2022"));
    b.appendChild(el("span", "label", o.label));
    b.appendChild(el("span", "cost", ""));
    if (o.detail) b.appendChild(el("span", "detail", o.detail.replace(/^[,:]\s*/, "")));
    if (suggested && o.label === suggested) b.classList.add("suggested");
    if (o.unavailable) {
      b.classList.add("greyed");
      b.setAttribute("aria-disabled", "true");
      b.appendChild(el("span", "reason", o.unavailable));
    }
    b.dataset.answer = o.answer;
    b.addEventListener("click", () => sendLine(o.answer, true));
    return b;
  }

  // ------------------------------------------------------------------ the night's choices

  function drawChoices() {
    const nav = $("choices");
    const list = $("choice-list");
    const v = state.view;
    list.replaceChildren();
    if (!v || v.ending || !state.asking || state.asking.kind !== "play") {
      nav.hidden = true;
      return;
    }
    const hadFocus = nav.contains(document.activeElement);
    for (const c of v.choices || []) {
      const li = el("li");
      const b = el("button", "choice");
      b.type = "button";
      b.dataset.number = String(c.number);
      b.appendChild(el("span", "num", c.number));
      b.appendChild(el("span", "label", c.label));
      b.appendChild(el("span", "cost", c.enabled ? (c.takes_text || "") : ""));
      if (c.done) {
        b.classList.add("greyed", "done");
        b.setAttribute("aria-disabled", "true");
        b.appendChild(el("span", "reason", "Done"));
        b.addEventListener("click", () => addNotice({ text: "You have done that already.", kind: "warning" }));
      } else if (!c.enabled) {
        b.classList.add("greyed");
        b.setAttribute("aria-disabled", "true");
        b.appendChild(el("span", "reason", c.reason ? "Not now: " + c.reason : "Not available now."));
        b.addEventListener("click", () => addNotice({ text: "Not available: " + (c.reason || "not now."), kind: "warning" }));
      } else {
        b.addEventListener("click", () => sendLine(String(c.number), true));
      }
      li.appendChild(b);
      list.appendChild(li);
    }
    if (v.wait) {
      const li = el("li");
      const b = el("button", "choice wait");
      b.type = "button";
      b.appendChild(el("span", "num", "w"));
      b.appendChild(el("span", "label", "Wait"));
      b.appendChild(el("span", "cost", v.wait_text || ""));
      b.addEventListener("click", () => sendLine("wait", true));
      li.appendChild(b);
      list.appendChild(li);
    }
    nav.hidden = list.childElementCount === 0;
    if (hadFocus) {
      const first = list.querySelector("button:not([aria-disabled='true'])") || list.querySelector("button");
      if (first) first.focus({ preventScroll: true });
    }
  }

  // ------------------------------------------------------------------ the story

  function story() { return $("story"); }

  function add(node) {
    const s = story();
    s.appendChild(node);
    while (s.childElementCount > MAX_STORY) s.firstElementChild.remove();
    return node;
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 120;
  }

  function onOut(msg) {
    const items = Array.isArray(msg.items) ? msg.items : [];
    const stick = nearBottom();
    let scene = null;
    for (const item of items) {
      const made = render(item);
      if (made && made.classList && made.classList.contains("scene")) scene = made;
    }
    drawChoices();
    if (scene) {
      for (const old of story().querySelectorAll(".scene:not(.past)")) {
        if (old !== scene) old.classList.add("past");
      }
      const h = scene.querySelector("h2");
      measureBar();                       // the bar may have grown with this turn's status
      scene.scrollIntoView({ block: "start" });
      if (state.userActed && h) h.focus({ preventScroll: true });
    } else if (stick) {
      window.scrollTo(0, document.documentElement.scrollHeight);
    }
    state.userActed = false;
  }

  function render(o) {
    if (!o || typeof o !== "object") return null;
    switch (o.type) {
      case "Screen": return renderScreen(o);
      case "Notice": return addNotice(o);
      case "Info": return renderInfo(o);
      case "TitleScreen": return renderTitle(o);
      case "RoleIntro": return renderIntro(o);
      case "EndingMenu": return null;          // its options come as the question
      case "Goodbye": return addNotice({ text: o.text });
      default:
        if (o.text) return addNotice({ text: o.text });
        return null;
    }
  }

  function renderTurn(turn, parent) {
    if (!turn) return;
    if (turn.interrupted_line) parent.appendChild(el("p", "result", turn.interrupted_line));
    if (turn.result) parent.appendChild(paragraphs(el("div", "result"), turn.result));
    for (const n of turn.narrations || []) {
      const box = el("div", "event");
      const p = el("p");
      p.appendChild(el("time", "", n.hhmm));
      p.appendChild(document.createTextNode(" " + n.text));
      box.appendChild(p);
      parent.appendChild(box);
    }
    if (turn.stop_line) parent.appendChild(el("p", "stop", turn.stop_line));
  }

  function renderScreen(o) {
    const v = o.view || {};
    const turn = o.turn;
    state.view = v;
    const moved = turn && (turn.result || turn.moved_by);
    if (moved || !o.full) {
      const news = el("div", "news");
      renderTurn(turn, news);
      if (news.childElementCount) add(news);
    }
    if (!o.full) return null;
    const art = el("article", "scene");
    const h = el("h2", "", v.title);
    h.tabIndex = -1;
    art.appendChild(h);
    if (v.where || v.place_name) art.appendChild(el("p", "where", [v.place_name, v.where].filter(Boolean).join(" \u00b7 ")));
    if (v.clock && v.clock.sentence) art.appendChild(el("p", "when", v.clock.sentence));
    if (Array.isArray(v.content_notes) && v.content_notes.length) {
      art.appendChild(el("p", "content-note", "Content note: " + v.content_notes.join(", ")));
    }
    art.appendChild(paragraphs(el("div", "text"), v.text));
    if (!moved && turn) renderTurn(turn, art);
    if (v.present && v.present.length && !v.ending) art.appendChild(el("p", "present", "Here: " + v.present.join(", ") + "."));
    if (v.ending) art.appendChild(renderEnding(v.ending));
    return add(art);
  }

  function renderEnding(e) {
    const box = el("section", "ending");
    box.appendChild(el("h2", "", "The end: " + e.title));
    paragraphs(box, e.epilogue);
    if (e.trail_text) box.appendChild(el("p", "meta", "Your night: " + e.trail_text + "."));
    const mattered = e.summary && e.summary.mattered;
    if (mattered && mattered.length) box.appendChild(el("p", "meta", "Choices that mattered: " + mattered.join("; ") + "."));
    if (e.note) box.appendChild(el("p", "meta", "What really happened: " + e.note));
    return box;
  }

  function addNotice(o) {
    const text = String(o.text || "");
    const p = el("p", "notice " + (o.kind || "info"));
    if (/^\[[^\]]+ caucus\] |^[^"]{1,80} says: "|^You say( to your faction)?: "/.test(text)) p.classList.add("say");
    if (/^From your teacher: /.test(text)) p.classList.add("teacher");
    p.textContent = text;
    const hints = Array.isArray(o.hints) ? o.hints : [];
    if (hints.length) {
      const box = el("div", "notice " + (o.kind || "info"));
      box.appendChild(p);
      const ul = el("ul", "hints");
      for (const h of hints) ul.appendChild(el("li", "", h));
      box.appendChild(ul);
      return add(box);
    }
    return add(p);
  }

  function renderInfo(o) {
    const box = el("section", "infobox");
    box.appendChild(el("h3", "", o.title));
    const ul = el("ul");
    for (const line of o.lines || []) {
      if (line === "") continue;
      // `look             show the scene again`: a term and what it means, in two columns.
      const pair = /^(\S.*?)\s{2,}(\S.*)$/.exec(line);
      if (pair) {
        const li = el("li", "pair");
        li.appendChild(el("span", "term", pair[1]));
        li.appendChild(el("span", "", pair[2]));
        ul.appendChild(li);
      } else {
        ul.appendChild(el("li", /^\s/.test(line) ? "indent" : "", line.trim()));
      }
    }
    box.appendChild(ul);
    return add(box);
  }

  function renderTitle(o) {
    const box = el("section", "title");
    box.appendChild(el("h1", "", o.title));
    if (o.subtitle) box.appendChild(el("p", "", o.subtitle));
    if (o.unloadable_line) box.appendChild(el("p", "hint", o.unloadable_line));
    return add(box);
  }

  function renderIntro(o) {
    const box = el("section", "intro");
    const r = o.role || {};
    box.appendChild(el("h2", "", r.name));
    if (r.area) box.appendChild(el("p", "hint", r.area + ", " + r.place + ", from " + r.start));
    paragraphs(box, o.intro);
    return add(box);
  }

  // ------------------------------------------------------------------ the keyboard

  function typing(target) {
    if (!target || !target.tagName) return false;
    const t = target.tagName;
    return t === "INPUT" || t === "TEXTAREA" || t === "SELECT" || target.isContentEditable;
  }

  function onKey(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (typing(ev.target)) {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
    const asking = state.asking;
    if (!asking) return;
    if (ev.key === "/" && !$("command").hidden) {
      ev.preventDefault();
      $("line").focus();
      return;
    }
    if (/^[0-9]$/.test(ev.key)) {
      ev.preventDefault();
      typeDigit(ev.key);
      return;
    }
    if ((ev.key === "w" || ev.key === "W") && asking.kind === "play" && state.view && state.view.wait) {
      ev.preventDefault();
      sendLine("wait", true);
    }
  }

  function numbersShown() {
    if (state.asking && state.asking.kind === "play") {
      return ((state.view && state.view.choices) || []).map((c) => c.number);
    }
    return ((state.asking && state.asking.options) || []).map((o) => o.answer).filter((a) => /^\d+$/.test(a)).map(Number);
  }

  function typeDigit(d) {
    state.digits += d;
    clearTimeout(state.digitTimer);
    const shown = numbersShown();
    const n = Number(state.digits);
    // Wait for a second digit only where one could follow (ten or more choices).
    const longer = shown.some((x) => String(x).length > state.digits.length && String(x).startsWith(state.digits));
    if (longer) {
      state.digitTimer = setTimeout(() => pick(Number(state.digits)), 700);
      return;
    }
    pick(n);
  }

  function pick(n) {
    state.digits = "";
    if (!state.asking) return;
    if (state.asking.kind === "play") {
      const c = ((state.view && state.view.choices) || []).find((x) => x.number === n);
      if (c && !c.enabled) {
        addNotice({ text: "Not available: " + (c.reason || "not now."), kind: "warning" });
        return;
      }
      sendLine(String(n), true);
      return;
    }
    const o = (state.asking.options || []).find((x) => x.answer === String(n));
    if (o && !o.unavailable) sendLine(o.answer, true);
    else if (o) addNotice({ text: o.label + ": " + o.unavailable, kind: "warning" });
  }

  // ------------------------------------------------------------------ forms

  function wire() {
    $("login-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const code = $("code").value.trim();
      if (!code) {
        $("login-error").textContent = "Type the class code your teacher gave you.";
        $("code").focus();
        return;
      }
      $("login-error").textContent = "";
      send({ t: "login", code: code, name: $("name").value.trim() });
    });
    $("ask-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      sendLine($("ask-input").value, true);
    });
    $("command").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const input = $("line");
      const text = input.value.trim();
      if (!text) return;
      sendLine(text, false);
      input.value = "";
    });
    $("rejoin").addEventListener("click", reconnect);
    // The game's address pasted into this tab (only the #key part differs): use it.
    window.addEventListener("hashchange", () => { if (takeKeyFromAddress()) reconnect(); });
    $("leave").addEventListener("click", () => {
      drop(SEAT);
      $("leave").hidden = true;
      if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify({ t: "leave" }));
      state.closedForGood = true;
      hideInputs();
      $("bye-text").textContent = "This device has forgotten your seat. To play again here, you need the class code, your name and your PIN.";
      $("bye").hidden = false;
    });
    document.addEventListener("keydown", onKey);
  }

  function takeKeyFromAddress() {
    const m = /(?:^#|&)key=([A-Za-z0-9_-]{8,64})/.exec(location.hash);
    if (m) {
      keep(KEY, m[1]);
      history.replaceState(null, "", location.pathname + location.search);
    }
    return !!m;
  }

  function reconnect() {
    $("bye").hidden = true;
    state.retry = 0;
    const old = state.ws;
    state.ws = null;
    if (old) old.close();
    connect();
  }

  function measureBar() {
    // The sticky bar's height, so a scene scrolled to is not hidden under it.
    document.documentElement.style.setProperty("--bar-h", $("bar").offsetHeight + "px");
  }

  function trackBar() {
    measureBar();
    if (window.ResizeObserver) new ResizeObserver(measureBar).observe($("bar"));
  }

  takeKeyFromAddress();
  trackBar();
  wire();
  connect();
})();
