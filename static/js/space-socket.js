// One WebSocket to a discussion space, shared by the room and the reading pages:
// events applied strictly in id order, gaps filled from the server, replay on
// (re)connect, back-off, heartbeats, offline awareness. Protocol: docs/realtime.md.
(function () {
  "use strict";

  function SpaceSocket(options) {
    this.path = options.path;
    this.lastId = options.lastId || 0;
    this.on = options.on || {};
    this.socket = null;
    this.attempts = 0;
    this.heartbeat = null;
    this.pending = {};
    this.fetching = false;
    var self = this;
    window.addEventListener("offline", function () {
      if (self.socket) { self.socket.onclose = null; self.socket.close(); }
      clearInterval(self.heartbeat);
      self.state("offline");
    });
    window.addEventListener("online", function () { self.attempts = 0; self.connect(); });
  }

  SpaceSocket.prototype.state = function (name) {
    if (this.on.state) this.on.state(name);
  };

  SpaceSocket.prototype.send = function (frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  };

  SpaceSocket.prototype.isOpen = function () {
    return !!this.socket && this.socket.readyState === WebSocket.OPEN;
  };

  SpaceSocket.prototype.connect = function () {
    var self = this;
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    this.state("connecting");
    // The last event this page has travels with the handshake: the server replays what
    // came after it in the same step as the hello (one round trip, and one trip through
    // the server's database thread, instead of two).
    this.socket = new WebSocket(proto + location.host + this.path + "?last_id=" + this.lastId);
    this.socket.onopen = function () { self.attempts = 0; };
    this.socket.onmessage = function (msg) {
      var frame;
      try { frame = JSON.parse(msg.data); } catch (e) { return; }
      self.handle(frame);
    };
    this.socket.onclose = function (ev) {
      clearInterval(self.heartbeat);
      if (ev.code === 4403) { self.state("revoked"); return; }
      self.attempts += 1;
      var delay = Math.min(30000, 1000 * Math.pow(2, self.attempts - 1)) * (0.5 + Math.random() / 2);
      self.state("reconnecting");
      setTimeout(function () { self.connect(); }, delay);
    };
  };

  SpaceSocket.prototype.handle = function (frame) {
    var self = this;
    switch (frame.type) {
      case "hello":
        this.state("live");
        if (this.on.hello) this.on.hello(frame);
        // Catch up on everything after what this page has seen: from the database, in order
        // (already under way when the server answered the handshake's last_id).
        if (!frame.replayed) this.send({ type: "resume", last_id: this.lastId });
        clearInterval(this.heartbeat);
        this.heartbeat = setInterval(function () { self.send({ type: "ping" }); }, 25000);
        break;
      case "event":
        this.receive(frame);
        break;
      case "replay_done":
        this.fetching = false;
        this.drain();
        break;
      case "revoked":
        this.state("revoked");
        break;
      default:
        if (this.on[frame.type]) this.on[frame.type](frame);
    }
  };

  // Events apply strictly in id order; a gap is filled from the server before going on.
  SpaceSocket.prototype.receive = function (frame) {
    if (frame.id <= this.lastId) return;  // already applied (replay overlap, duplicates)
    this.pending[frame.id] = frame;
    this.drain();
    var ids = Object.keys(this.pending).map(Number).sort(function (a, b) { return a - b; });
    if (!this.fetching && ids.length) {
      this.fetching = true;
      this.send({ type: "fetch", from: this.lastId + 1, to: Math.min(ids[0] - 1, this.lastId + 500) });
    }
  };

  SpaceSocket.prototype.drain = function () {
    while (this.pending[this.lastId + 1]) {
      var frame = this.pending[this.lastId + 1];
      delete this.pending[this.lastId + 1];
      this.lastId = frame.id;
      if (frame.kind !== "noop" && this.on.event) this.on.event(frame);
    }
  };

  SpaceSocket.newId = function () {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return String(Date.now()) + Math.random().toString(16).slice(2);
  };

  window.LegisSpaceSocket = SpaceSocket;
})();
