package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
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
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatAck   = 11
)

// backlogSize is how many dispatches a session keeps for replay on resume.
const backlogSize = 1000

// writeTimeout bounds a frame write, so a stuck client cannot stall the fake.
const writeTimeout = 5 * time.Second

// gateway is the websocket side: one session at a time (the bot runs one shard), which
// survives dropped connections until a new Identify replaces it.
type gateway struct {
	s        *Server
	upgrader websocket.Upgrader

	mu         sync.Mutex
	live       *gwConn // the connection that completed Identify or Resume
	conns      map[*gwConn]bool
	closed     bool
	session    string
	seq        int64
	backlog    []frame
	identifies int
	resumes    int
	heartbeats int
	changed    chan struct{} // closed and replaced when live changes
}

type gwConn struct {
	ws        *websocket.Conn
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
		changed:  make(chan struct{}),
	}
}

// serve upgrades the request and reads the client's frames until the connection ends.
func (g *gateway) serve(w http.ResponseWriter, r *http.Request) {
	ws, err := g.upgrader.Upgrade(w, r, nil)
	if err != nil {
		g.s.logf("fakediscord: gateway upgrade: %v", err) // Upgrade already answered the client.
		return
	}
	c := &gwConn{ws: ws, firstBeat: make(chan struct{})}
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
			return
		}
		g.handle(c, msg, r.URL.Query().Get("v"))
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
	if g.live == c {
		g.setLive(nil)
	}
	g.mu.Unlock()
	_ = c.ws.Close() // already closed when the read failed; closing twice is harmless.
	g.s.wg.Done()
}

// setLive records the connection that receives dispatches. Callers hold g.mu.
func (g *gateway) setLive(c *gwConn) {
	g.live = c
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

// identify starts a new session and sends READY.
func (g *gateway) identify(c *gwConn, data json.RawMessage, version string) {
	var id struct {
		Token string  `json:"token"`
		Shard *[2]int `json:"shard"`
	}
	if json.Unmarshal(data, &id) != nil || id.Token == "" {
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."), time.Now().Add(writeTimeout))
		_ = c.ws.Close() // the client reconnects or gives up; nothing more to say.
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.identifies++
	g.session, g.seq, g.backlog = randomHex(16), 0, nil
	g.s.logf("fakediscord: gateway: identify, session %s", g.session)
	if g.live != nil && g.live != c {
		_ = g.live.ws.Close() // Discord ends the old session's connection too.
	}
	g.setLive(c)
	g.dispatchLocked("READY", g.ready(version, id.Shard))
}

func (g *gateway) ready(version string, shard *[2]int) map[string]any {
	if version == "" {
		version = "10"
	}
	var v int
	_, _ = fmt.Sscan(version, &v) // a non-number leaves 0, which Discord would have refused earlier.
	r := map[string]any{
		"v": v, "user": g.s.botUserJSON(), "session_id": g.session, "session_type": "normal",
		"resume_gateway_url": g.s.GatewayURL(),
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
	if json.Unmarshal(data, &rs) != nil || !g.canResume(rs.SessionID, rs.Seq) {
		g.s.logf("fakediscord: gateway: resume refused (session %q seq %d)", rs.SessionID, rs.Seq)
		_ = c.send(map[string]any{"op": opInvalidSession, "d": false}) // a failed write ends the read loop.
		return
	}
	g.resumes++
	if g.live != nil && g.live != c {
		_ = g.live.ws.Close() // the session moves to the new connection.
	}
	g.setLive(c)
	for _, f := range g.backlog {
		if f.seq > rs.Seq && c.write(f.data) != nil {
			return
		}
	}
	g.s.logf("fakediscord: gateway: resumed session %s after seq %d", g.session, rs.Seq)
	g.dispatchLocked("RESUMED", map[string]any{"_trace": []string{`["fakediscord"]`}})
}

// canResume reports whether the session matches and the backlog still holds every
// dispatch after seq. Callers hold g.mu.
func (g *gateway) canResume(session string, seq int64) bool {
	if g.session == "" || session != g.session || seq > g.seq {
		return false
	}
	return seq == g.seq || (len(g.backlog) > 0 && g.backlog[0].seq <= seq+1)
}

// dispatch sends an event on the session, or keeps it for replay while disconnected.
func (g *gateway) dispatch(event string, data any) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.session == "" {
		return ErrNoSession
	}
	g.dispatchLocked(event, data)
	return nil
}

// dispatchLocked numbers, keeps and sends one dispatch. A failed write drops the live
// connection; the client resumes and gets the event replayed. Callers hold g.mu.
func (g *gateway) dispatchLocked(event string, data any) {
	g.seq++
	b, err := json.Marshal(map[string]any{"op": opDispatch, "s": g.seq, "t": event, "d": data})
	if err != nil {
		g.s.logf("fakediscord: gateway: encode %s: %v", event, err)
		return
	}
	g.backlog = append(g.backlog, frame{seq: g.seq, data: b})
	if len(g.backlog) > backlogSize {
		g.backlog = g.backlog[len(g.backlog)-backlogSize:]
	}
	if g.live == nil {
		return
	}
	if err := g.live.write(b); err != nil {
		g.s.logf("fakediscord: gateway: write %s: %v", event, err)
		_ = g.live.ws.Close() // the reader sees the close and untracks it.
		g.setLive(nil)
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

// DropGateway closes the live gateway connection abruptly, without a close frame, as a
// network failure would. discordgo notices on its next read, waits about a second, then
// reconnects and resumes. It returns false when no connection was live.
//
// It first waits (at most 5 s) for the connection's first heartbeat, which discordgo
// sends as soon as Open returns: a drop before that write makes discordgo v0.29's
// heartbeat goroutine start a second reconnect that races the first.
func (s *Server) DropGateway() bool {
	g := s.gw
	g.mu.Lock()
	c := g.live
	g.mu.Unlock()
	if c == nil {
		return false
	}
	select {
	case <-c.firstBeat:
	case <-time.After(firstBeatWait):
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.live != c {
		return false
	}
	s.logf("fakediscord: gateway: dropping the connection")
	_ = c.ws.Close() // an abrupt close is the point.
	g.setLive(nil)
	return true
}

// Connected reports whether a client has a live, identified or resumed connection.
func (s *Server) Connected() bool {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.live != nil
}

// WaitConnected waits until Connected is true, or returns an error after timeout.
func (s *Server) WaitConnected(timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.gw.mu.Lock()
		live, changed := s.gw.live != nil, s.gw.changed
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

// Heartbeats returns how many heartbeats (op 1) were received and acknowledged (op 11).
func (s *Server) Heartbeats() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.heartbeats
}
