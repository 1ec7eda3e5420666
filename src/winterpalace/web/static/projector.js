// The teacher's projector view: the class clock, who is where, votes, alerts, the timeline.
// Built with textContent only; the timeline (the debrief's SVG drawing) is shown as an image
// made from a Blob, so nothing in it can run.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  let key = "";
  let timelineUrl = null;
  let last = null;
  let retry = 0;
  let stopped = false;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function takeKey() {
    const m = /(?:^#|&)key=([A-Za-z0-9_-]{8,64})/.exec(location.hash);
    try {
      if (m) {
        sessionStorage.setItem("wp-projector", m[1]);
        history.replaceState(null, "", location.pathname);
      }
      key = sessionStorage.getItem("wp-projector") || "";
    } catch (e) {
      key = m ? m[1] : "";
    }
  }

  function connect() {
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/projector/ws");
    $("connection").textContent = "Connecting\u2026";
    ws.addEventListener("open", () => { retry = 0; ws.send(JSON.stringify({ t: "hello", key: key })); $("connection").textContent = ""; });
    ws.addEventListener("message", (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      if (msg.t === "class") draw(msg);
      else if (msg.t === "bye") { $("connection").textContent = msg.text || "Closed."; stopped = !msg.retry; }
    });
    ws.addEventListener("close", () => {
      if (stopped) return;
      retry += 1;
      const s = Math.min(15, retry * 2);
      $("connection").textContent = "Connection lost; trying again in " + s + " s";
      setTimeout(connect, s * 1000);
    });
  }

  function draw(msg) {
    last = msg;
    document.title = "Class view \u2014 " + (msg.title || "Winter Palace");
    $("title").textContent = msg.title || "Winter Palace";
    $("count").textContent = msg.connected + " of " + msg.students + " students connected";
    const c = msg.clock || {};
    $("now").textContent = c.now || "\u2014";
    $("state").textContent = (c.state || "") + (c.state === "running" || c.state === "not started" ? " \u00b7 students may act until " + c.limit : "") + (c.pace ? " \u00b7 pace " + c.pace + " min a minute" : "");
    drawPlan(msg.plan || { areas: [], lobby: [] });
    drawVotes(msg.votes || []);
    drawAlerts(msg.alerts || { count: 0, items: [], admit: [] });
    if (typeof msg.timeline === "string") drawTimeline(msg.timeline);
  }

  function chip(s) {
    const li = el("li", "chip" + (s.connected ? "" : " away") + (s.ended ? " ended" : ""), s.name);
    li.title = s.role + (s.time ? ", " + s.time : "") + (s.connected ? "" : " (not connected)");
    return li;
  }

  function drawPlan(plan) {
    const box = $("plan");
    box.replaceChildren();
    for (const a of plan.areas) {
      const area = el("section", "area" + (a.places.length ? "" : " empty"));
      if (/^#[0-9a-fA-F]{6}$/.test(a.colour || "")) area.style.setProperty("--area", a.colour);
      const n = a.places.reduce((k, p) => k + p.students.length, 0);
      area.appendChild(el("h3", "", a.name + (n ? " (" + n + ")" : "")));
      for (const p of a.places) {
        const place = el("div", "place");
        place.appendChild(el("h4", "", p.name));
        const ul = el("ul", "chips");
        for (const s of p.students) ul.appendChild(chip(s));
        place.appendChild(ul);
        area.appendChild(place);
      }
      if (!a.places.length) area.appendChild(el("p", "quiet", "Nobody here."));
      box.appendChild(area);
    }
    const lobby = plan.lobby || [];
    $("lobby").textContent = lobby.length ? "Waiting for their part of the night: " + lobby.map((s) => s.name).join(", ") : "";
  }

  function drawVotes(votes) {
    const box = $("votes");
    box.replaceChildren();
    if (!votes.length) { box.appendChild(el("p", "quiet", "No class votes in this night.")); return; }
    for (const v of votes) {
      const card = el("article", "vote");
      card.appendChild(el("h3", "", v.question));
      if (v.result) {
        card.appendChild(el("p", "", "Counted: " + v.result));
      } else {
        card.appendChild(el("p", "quiet", v.cast + " ballot" + (v.cast === 1 ? "" : "s") + " cast, " + v.waiting + " still to vote \u00b7 the clock holds at " + v.hold));
      }
      if (v.counts) {
        const ul = el("ul", "bars");
        const total = Math.max(1, Object.values(v.counts).reduce((a, b) => a + b, 0));
        for (const [option, n] of Object.entries(v.counts)) {
          const li = el("li");
          li.appendChild(el("span", "", option));
          const m = el("meter");
          m.min = 0; m.max = total; m.value = n;
          m.setAttribute("aria-label", option + ": " + n);
          li.appendChild(m);
          li.appendChild(el("span", "n", n));
          ul.appendChild(li);
        }
        card.appendChild(ul);
      } else if (!v.result) {
        card.appendChild(el("p", "quiet", "Secret ballot: the totals come with the count."));
      }
      box.appendChild(card);
    }
  }

  function drawAlerts(a) {
    $("alert-count").textContent = a.count ? a.count + " alert" + (a.count === 1 ? "" : "s") + " from students (see your console)." : "None.";
    const show = $("show-alerts").checked;
    const ul = $("alerts");
    ul.replaceChildren();
    for (const it of a.items || []) ul.appendChild(el("li", "", it.name + ": " + (it.text || "(no words)")));
    ul.hidden = !show || !a.items || !a.items.length;
    const admit = a.admit || [];
    $("admits").textContent = admit.length ? "Waiting to be let in without a PIN: " + admit.join(", ") + " (type admit NAME at the console)" : "";
    $("admits").hidden = !admit.length;
  }

  function drawTimeline(svg) {
    const img = $("timeline");
    if (!svg) { img.hidden = true; $("timeline-empty").hidden = false; return; }
    const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    img.addEventListener("load", () => { if (timelineUrl && timelineUrl !== url) URL.revokeObjectURL(timelineUrl); timelineUrl = url; }, { once: true });
    img.src = url;
    img.hidden = false;
    $("timeline-empty").hidden = true;
  }

  $("show-alerts").addEventListener("change", () => { if (last) drawAlerts(last.alerts || {}); });
  takeKey();
  connect();
})();
