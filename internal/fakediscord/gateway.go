package fakediscord

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway opcodes (Discord's numbering).
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opResume         = 6
	opReconnect      = 7
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatAck   = 11
)

// backlogSize is how many dispatches a session keeps for replay on resume.
const backlogSize = 1000

// writeTimeout bounds a frame write, so a stuck client cannot stall the fake.
const writeTimeout = 5 * time.Second

// gateway is the websocket side: one session per shard, each surviving dropped
// connections until a new Identify of that shard replaces it. A client that identifies
// without a shard runs shard 0 of 1.
type gateway struct {
	s        *Server
	upgrader websocket.Upgrader

	mu         sync.Mutex
	conns      map[*gwConn]bool
	closed     bool
	shards     map[int]*shardSession // by shard id
	identifies int
	resumes    int
	// resumesAtResumeURL counts the resumes that came to ResumeGatewayURL, as Discord asks.
	resumesAtResumeURL int
	heartbeats         int
	required           int           // the fewest shards an Identify may name (Options.RequiredShards)
	intents            []int64       // the intents of each accepted Identify, in order
	changed            chan struct{} // closed and replaced when a shard's live connection changes
	down               bool          // HoldGateway: new connections are refused, as in an outage
}

// shardSession is one shard's gateway session: its live connection and what it keeps for
// a resume.
type shardSession struct {
	id      int
	count   int     // the shard count it identified with
	live    *gwConn // the connection that completed Identify or Resume
	session string
	seq     int64
	backlog []frame
}

type gwConn struct {
	ws        *websocket.Conn
	host      string        // the host the client dialled (ResumeGatewayURL's, or not)
	wm        sync.Mutex    // gorilla allows one writer at a time
	firstBeat chan struct{} // closed on the connection's first heartbeat
	beatOnce  sync.Once
}

// frame is one sent dispatch, kept for replay.
type frame struct {
	seq  int64
	data []byte
}

func newGateway(s *Server) *gateway {
	return &gateway{
		s:        s,
		upgrader: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }},
		conns:    map[*gwConn]bool{},
		shards:   map[int]*shardSession{},
		required: s.opts.RequiredShards,
		changed:  make(chan struct{}),
	}
}

// serve upgrades the request and reads the client's frames until the connection ends.
func (g *gateway) serve(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	down := g.down
	g.mu.Unlock()
	if down {
		// Discord behind Cloudflare during an outage: the upgrade fails with a 5xx.
		http.Error(w, "gateway unavailable", http.StatusServiceUnavailable)
		return
	}
	ws, err := g.upgrader.Upgrade(w, r, nil)
	if err != nil {
		g.s.logf("fakediscord: gateway upgrade: %v", err) // Upgrade already answered the client.
		return
	}
	host, _, _ := net.SplitHostPort(r.Host)
	c := &gwConn{ws: ws, host: host, firstBeat: make(chan struct{})}
	if !g.track(c) {
		_ = ws.Close() // the server is closing; the client sees the drop.
		return
	}
	defer g.untrack(c)
	hello := map[string]any{"heartbeat_interval": g.s.opts.HeartbeatInterval.Milliseconds()}
	if c.send(map[string]any{"op": opHello, "d": hello, "s": nil, "t": nil}) != nil {
		return
	}
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			g.closedByClient(c, err)
			return
		}
		g.handle(c, msg, r.URL.Query().Get("v"))
	}
}

// closedByClient ends the session of a connection the client closed with 1000 or 1001:
// Discord invalidates the session then, so a later Resume of it is refused (gateway.mdx,
// "Disconnecting"). Any other close, or a lost connection, keeps it resumable.
func (g *gateway) closedByClient(c *gwConn, err error) {
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway) {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, sh := range g.shards {
		if sh.live == c {
			g.s.logf("fakediscord: gateway: shard %d closed by the client with %v; session %s ended", sh.id, err, sh.session)
			sh.session = ""
		}
	}
}

func (g *gateway) track(c *gwConn) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.conns[c] = true
	g.s.wg.Add(1)
	return true
}

func (g *gateway) untrack(c *gwConn) {
	g.mu.Lock()
	delete(g.conns, c)
	for _, sh := range g.shards {
		if sh.live == c {
			g.setLive(sh, nil)
		}
	}
	g.mu.Unlock()
	_ = c.ws.Close() // already closed when the read failed; closing twice is harmless.
	g.s.wg.Done()
}

// setLive records the connection that receives the shard's dispatches. Callers hold g.mu.
func (g *gateway) setLive(sh *shardSession, c *gwConn) {
	sh.live = c
	close(g.changed)
	g.changed = make(chan struct{})
}

func (c *gwConn) send(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.write(b)
}

func (c *gwConn) write(b []byte) error {
	c.wm.Lock()
	defer c.wm.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout)) // only fails on a closed conn; write reports that.
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

// handle answers one client frame.
func (g *gateway) handle(c *gwConn, msg []byte, version string) {
	var in struct {
		Op   int             `json:"op"`
		Data json.RawMessage `json:"d"`
	}
	if err := json.Unmarshal(msg, &in); err != nil {
		g.s.logf("fakediscord: gateway: undecodable frame: %v", err)
		return
	}
	switch in.Op {
	case opHeartbeat:
		g.mu.Lock()
		g.heartbeats++
		g.mu.Unlock()
		c.beatOnce.Do(func() { close(c.firstBeat) })
		_ = c.send(map[string]any{"op": opHeartbeatAck}) // a failed write ends the read loop too.
	case opIdentify:
		g.identify(c, in.Data, version)
	case opResume:
		g.resume(c, in.Data)
	default:
		// Presence updates, voice state and member requests need no answer here.
		g.s.logf("fakediscord: gateway: op %d ignored", in.Op)
	}
}

// identify starts a new session of the shard the client names and sends READY. A shard
// outside its count is refused with close code 4010, a count below the server's required
// shards with 4011, as Discord does.
func (g *gateway) identify(c *gwConn, data json.RawMessage, version string) {
	var id struct {
		Token   string  `json:"token"`
		Shard   *[2]int `json:"shard"`
		Intents int64   `json:"intents"`
	}
	if json.Unmarshal(data, &id) != nil || id.Token == "" {
		closeWith(c, 4004, "Authentication failed.")
		return
	}
	shard := [2]int{0, 1}
	if id.Shard != nil {
		shard = *id.Shard
	}
	switch {
	case shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1]:
		closeWith(c, 4010, "Invalid shard.")
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if shard[1] < g.required {
		closeWith(c, 4011, "Sharding required.")
		return
	}
	g.identifies++
	g.intents = append(g.intents, id.Intents)
	sh := &shardSession{id: shard[0], count: shard[1], session: randomHex(16)}
	if old := g.shards[sh.id]; old != nil && old.live != nil && old.live != c {
		_ = old.live.ws.Close() // Discord ends the old session's connection too.
	}
	g.shards[sh.id] = sh
	g.s.logf("fakediscord: gateway: identify shard %d/%d, session %s", shard[0], shard[1], sh.session)
	g.setLive(sh, c)
	g.dispatchLocked(sh, "READY", g.ready(version, sh, id.Shard))
}

// closeWith ends the connection with a close code, as Discord ends a session it refuses.
func closeWith(c *gwConn, code int, reason string) {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(writeTimeout))
	_ = c.ws.Close() // the client reconnects or gives up; nothing more to say.
}

func (g *gateway) ready(version string, sh *shardSession, shard *[2]int) map[string]any {
	if version == "" {
		version = "10"
	}
	var v int
	_, _ = fmt.Sscan(version, &v) // a non-number leaves 0, which Discord would have refused earlier.
	r := map[string]any{
		"v": v, "user": g.s.botUserJSON(), "session_id": sh.session, "session_type": "normal",
		"resume_gateway_url": g.s.ResumeGatewayURL(),
		"application":        map[string]any{"id": g.s.opts.ApplicationID, "flags": 0},
		"guilds":             []any{}, "private_channels": []any{}, "relationships": []any{},
		"presences": []any{}, "guild_join_requests": []any{}, "geo_ordered_rtc_regions": []string{"fake"},
		"user_settings": map[string]any{}, "auth": map[string]any{}, "_trace": []string{`["fakediscord"]`},
	}
	if shard != nil {
		r["shard"] = shard
	}
	return r
}

// resume replays what the client missed and then sends RESUMED, the order Discord
// documents (so discordgo reads a replayed event where it expects RESUMED, and logs it),
// or answers Invalid Session (d: false, so the client identifies afresh) when the
// session or sequence is unknown.
func (g *gateway) resume(c *gwConn, data json.RawMessage) {
	var rs struct {
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	var sh *shardSession
	if json.Unmarshal(data, &rs) == nil {
		sh = g.sessionNamed(rs.SessionID)
	}
	if sh == nil || !sh.canResume(rs.Seq) {
		g.s.logf("fakediscord: gateway: resume refused (session %q seq %d)", rs.SessionID, rs.Seq)
		_ = c.send(map[string]any{"op": opInvalidSession, "d": false}) // a failed write ends the read loop.
		return
	}
	g.resumes++
	if c.host == resumeHost {
		g.resumesAtResumeURL++
	}
	if sh.live != nil && sh.live != c {
		_ = sh.live.ws.Close() // the session moves to the new connection.
	}
	g.setLive(sh, c)
	for _, f := range sh.backlog {
		if f.seq > rs.Seq && c.write(f.data) != nil {
			return
		}
	}
	g.s.logf("fakediscord: gateway: resumed session %s after seq %d", sh.session, rs.Seq)
	g.dispatchLocked(sh, "RESUMED", map[string]any{"_trace": []string{`["fakediscord"]`}})
}

// sessionNamed is the shard session with that id, or nil. Callers hold g.mu.
func (g *gateway) sessionNamed(id string) *shardSession {
	for _, sh := range g.shards {
		if id != "" && sh.session == id {
			return sh
		}
	}
	return nil
}

// canResume reports whether the backlog still holds every dispatch after seq.
func (sh *shardSession) canResume(seq int64) bool {
	if seq > sh.seq {
		return false
	}
	return seq == sh.seq || (len(sh.backlog) > 0 && sh.backlog[0].seq <= seq+1)
}

// dispatch sends an event on the session of the shard that owns its guild (the payload's
// guild_id; shard 0 for direct messages), or keeps it for replay while that shard is
// disconnected.
func (g *gateway) dispatch(event string, data map[string]any) error {
	guildID, _ := data["guild_id"].(string)
	g.mu.Lock()
	defer g.mu.Unlock()
	sh := g.shardOf(guildID)
	if sh == nil {
		return ErrNoSession
	}
	g.dispatchLocked(sh, event, data)
	return nil
}

// shardOf is the session of the shard that owns guildID, by Discord's formula over the
// shard count the sessions identified with; nil when that shard has no session. Callers
// hold g.mu.
func (g *gateway) shardOf(guildID string) *shardSession {
	count := 1
	for _, sh := range g.shards {
		count = sh.count
		break
	}
	return g.shards[shardOf(guildID, count)]
}

// shardOf is Discord's shard of a guild: (guild_id >> 22) % count; direct messages (no
// guild) go to shard 0.
func shardOf(guildID string, count int) int {
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil || count <= 1 {
		return 0
	}
	return int((id >> 22) % uint64(count))
}

// dispatchLocked numbers, keeps and sends one dispatch on a shard's session. A failed
// write drops the live connection; the client resumes and gets the event replayed.
// Callers hold g.mu.
func (g *gateway) dispatchLocked(sh *shardSession, event string, data any) {
	sh.seq++
	b, err := json.Marshal(map[string]any{"op": opDispatch, "s": sh.seq, "t": event, "d": data})
	if err != nil {
		g.s.logf("fakediscord: gateway: encode %s: %v", event, err)
		return
	}
	sh.backlog = append(sh.backlog, frame{seq: sh.seq, data: b})
	if len(sh.backlog) > backlogSize {
		sh.backlog = sh.backlog[len(sh.backlog)-backlogSize:]
	}
	if sh.live == nil {
		return
	}
	if err := sh.live.write(b); err != nil {
		g.s.logf("fakediscord: gateway: write %s: %v", event, err)
		_ = sh.live.ws.Close() // the reader sees the close and untracks it.
		g.setLive(sh, nil)
	}
}

// closeAll ends every connection and refuses new ones.
func (g *gateway) closeAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	for c := range g.conns {
		_ = c.ws.Close() // each reader then returns and untracks itself.
	}
}

// firstBeatWait bounds how long DropGateway waits for a connection's first heartbeat.
const firstBeatWait = 5 * time.Second

// DropGateway closes every shard's live gateway connection abruptly, without a close
// frame, as a network failure would. discordgo notices on its next read, waits about a
// second, then reconnects and resumes. It returns false when no connection was live.
//
// It first waits (at most 5 s) for each connection's first heartbeat, which discordgo
// sends as soon as Open returns: a drop before that write makes discordgo v0.29's
// heartbeat goroutine start a second reconnect that races the first.
func (s *Server) DropGateway() bool {
	g := s.gw
	g.mu.Lock()
	live := map[*shardSession]*gwConn{}
	for _, sh := range g.shards {
		if sh.live != nil {
			live[sh] = sh.live
		}
	}
	g.mu.Unlock()
	for _, c := range live {
		select {
		case <-c.firstBeat:
		case <-time.After(firstBeatWait):
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	dropped := false
	for sh, c := range live {
		if sh.live != c {
			continue
		}
		s.logf("fakediscord: gateway: dropping shard %d's connection", sh.id)
		_ = c.ws.Close() // an abrupt close is the point.
		g.setLive(sh, nil)
		dropped = true
	}
	return dropped
}

// HoldGateway refuses (held true) or accepts again (false) new gateway connections, as
// during an outage; live connections are not touched (DropGateway ends them). A client
// that reconnects meanwhile fails and tries again.
func (s *Server) HoldGateway(held bool) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	s.gw.down = held
}

// Connected reports whether a client has identified and every shard session has a live
// connection.
func (s *Server) Connected() bool {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.allLive()
}

// ConnectedShards lists the shards with a live connection, in order.
func (s *Server) ConnectedShards() []int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	var ids []int
	for id, sh := range s.gw.shards {
		if sh.live != nil {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// allLive reports whether there is a shard session and each has a live connection.
// Callers hold g.mu.
func (g *gateway) allLive() bool {
	for _, sh := range g.shards {
		if sh.live == nil {
			return false
		}
	}
	return len(g.shards) > 0
}

// WaitConnected waits until Connected is true, or returns an error after timeout.
func (s *Server) WaitConnected(timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.gw.mu.Lock()
		live, changed := s.gw.allLive(), s.gw.changed
		s.gw.mu.Unlock()
		if live {
			return nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return fmt.Errorf("fakediscord: no gateway connection within %v", timeout)
		}
	}
}

// RequireShards makes every later Identify that names fewer than n shards end with close
// 4011, as Discord does once a bot passes 2,500 servers.
func (s *Server) RequireShards(n int) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	s.gw.required = n
}

// RequestReconnect sends op 7 Reconnect on every live connection, as Discord does before
// it moves a session: the client should close, reconnect and resume.
func (s *Server) RequestReconnect() {
	g := s.gw
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, sh := range g.shards {
		if sh.live != nil {
			_ = sh.live.send(map[string]any{"op": opReconnect, "d": nil}) // a failed write ends the reader
		}
	}
}

// InvalidateSessions ends every shard's session as Discord does with op 9 Invalid Session
// (d: false): the client must identify afresh, and no resume of these sessions succeeds.
func (s *Server) InvalidateSessions() {
	g := s.gw
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, sh := range g.shards {
		sh.session = "" // never matches a resume again
		if sh.live != nil {
			_ = sh.live.send(map[string]any{"op": opInvalidSession, "d": false}) // a failed write ends the reader
		}
	}
}

// IdentifyIntents returns the gateway intents each accepted Identify asked for, in order.
func (s *Server) IdentifyIntents() []int64 {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return slices.Clone(s.gw.intents)
}

// Identifies returns how many Identify (op 2) frames started a session.
func (s *Server) Identifies() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.identifies
}

// Resumes returns how many Resume (op 6) frames were accepted.
func (s *Server) Resumes() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.resumes
}

// ResumesAtResumeURL returns how many of the accepted resumes came to ResumeGatewayURL;
// Discord accepts the others too, as the fake does.
func (s *Server) ResumesAtResumeURL() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.resumesAtResumeURL
}

// Heartbeats returns how many heartbeats (op 1) were received and acknowledged (op 11).
func (s *Server) Heartbeats() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.heartbeats
}
