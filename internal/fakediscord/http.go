package fakediscord

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxBody bounds a request body; Discord refuses uploads above 25 MiB per message too.
const maxBody = 25 << 20

// request is a parsed REST request as the handlers see it.
type request struct {
	method string
	path   string            // without the /api/v{N} prefix
	params map[string]string // route placeholders, e.g. "channel"
	query  url.Values
	raw    []byte // JSON body or payload_json
	files  []Attachment
	auth   string
	now    time.Time
}

// reply is a handler's answer. A nil body with status 204 sends no body.
type reply struct {
	status int
	body   any
	header http.Header
	events []Event
}

func jsonOK(body any) reply { return reply{status: http.StatusOK, body: body} }

// apiError answers with Discord's JSON error shape.
func apiError(status, code int, message string) reply {
	return reply{status: status, body: map[string]any{"message": message, "code": code}}
}

// bodyError answers a body that could not be read as Discord does.
func bodyError(err error) reply {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return apiError(http.StatusRequestEntityTooLarge, 40005, "Request entity too large")
	}
	return apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
}

// ServeHTTP serves the gateway on "/" (discordgo dials the announced URL plus "/") and the
// REST API under /api/v{N}/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/" && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		s.gw.serve(w, r)
		return
	}
	arrived := time.Now()
	req, err := s.parseRequest(w, r)
	s.handleMu.Lock()
	defer s.handleMu.Unlock()
	var rep reply
	var route string
	if err != nil {
		route, rep = r.Method+" "+r.URL.Path, bodyError(err)
	} else {
		route, rep = s.dispatch(req, arrived)
	}
	s.finish(w, r, req, route, rep)
}

// dispatch applies injected faults and runs the matching route, holding s.mu.
func (s *Server) dispatch(req *request, arrived time.Time) (string, reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, params, allowed := s.matchRoute(req.method, req.path)
	name := req.method + " " + req.path
	if rt != nil {
		name = req.method + " " + rt.pattern
		req.params = params
	}
	s.state.routeCounts[name]++
	if rt == nil || !rt.interactionToken {
		s.state.rate.add(arrived)
	}
	if rep, hit := s.injectedFault(req); hit {
		return name, rep
	}
	switch {
	case rt != nil:
		return name, rt.handle(s, req)
	case allowed:
		return name, apiError(http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
	}
	return name, apiError(http.StatusNotFound, 0, "404: Not Found")
}

// finish tells subscribers, records the call and writes the answer. Subscribers hear
// first, so whoever waits for the call (WaitForCall) finds its events delivered: the
// sandbox prints the bot's answer before its next prompt.
func (s *Server) finish(w http.ResponseWriter, r *http.Request, req *request, route string, rep reply) {
	c := Call{Method: r.Method, Path: r.URL.Path, Route: route, Query: r.URL.Query(), Status: rep.status, Time: s.clock()}
	if req != nil {
		c.RawBody, c.Files, c.Time = req.raw, req.files, req.now
		if len(req.raw) > 0 {
			_ = json.Unmarshal(req.raw, &c.Body) // parseRequest already checked it is JSON.
		}
	}
	s.emit(rep.events)
	s.mu.Lock()
	s.record(c)
	s.mu.Unlock()
	s.logf("fakediscord: %s %s -> %d", r.Method, r.URL.Path, rep.status)
	writeReply(w, rep)
}

func writeReply(w http.ResponseWriter, rep reply) {
	for k, vs := range rep.header {
		w.Header()[k] = vs
	}
	if rep.body == nil {
		w.WriteHeader(rep.status)
		return
	}
	b, err := json.Marshal(rep.body)
	if err != nil {
		b, rep.status = []byte(`{"message":"500: Internal Server Error","code":0}`), http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	_, _ = w.Write(b) // the client hung up; nothing left to tell it.
}

// parseRequest reads the body (JSON or multipart) and strips the API prefix. Paths without
// the prefix keep their full path, so they match no route and answer 404.
func (s *Server) parseRequest(w http.ResponseWriter, r *http.Request) (*request, error) {
	req := &request{method: r.Method, path: r.URL.Path, query: r.URL.Query(), auth: r.Header.Get("Authorization"), now: s.clock()}
	req.path = stripAPIPrefix(req.path)
	body := http.MaxBytesReader(w, r.Body, maxBody)
	mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if mediaType == "multipart/form-data" {
		req.raw, req.files, err = s.readMultipart(multipart.NewReader(body, params["boundary"]))
	} else {
		req.raw, err = io.ReadAll(body)
	}
	if err == nil && len(req.raw) > 0 && !json.Valid(req.raw) {
		err = errors.New("body is not JSON")
	}
	if err != nil {
		return nil, err
	}
	return req, nil
}

// stripAPIPrefix removes a leading /api/v{N}; other paths are returned as they are.
func stripAPIPrefix(path string) string {
	rest, ok := strings.CutPrefix(path, "/api/v")
	if !ok {
		return path
	}
	digits := len(rest) - len(strings.TrimLeft(rest, "0123456789"))
	if digits == 0 {
		return path
	}
	return rest[digits:]
}

// readMultipart returns the payload_json part and the files[n] parts, in order.
func (s *Server) readMultipart(mr *multipart.Reader) ([]byte, []Attachment, error) {
	var raw []byte
	var files []Attachment
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return raw, files, nil
		}
		if err != nil {
			return nil, nil, err
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, nil, err
		}
		switch name := part.FormName(); {
		case name == "payload_json":
			raw = data
		case strings.HasPrefix(name, "files["):
			files = append(files, Attachment{ID: s.newID(), Filename: part.FileName(), ContentType: part.Header.Get("Content-Type"), Size: len(data), Content: data})
		}
	}
}

// route is one REST route. Patterns use {name} for a path segment.
type route struct {
	method  string
	pattern string
	handle  func(*Server, *request) reply
	// interactionToken marks routes authenticated by an interaction token, which Discord
	// leaves out of the global rate limit.
	interactionToken bool
}

// matchRoute finds the route for method and path. allowed reports that the path exists
// for some other method.
func (s *Server) matchRoute(method, path string) (rt *route, params map[string]string, allowed bool) {
	for i := range s.routes {
		p, hit := matchPattern(s.routes[i].pattern, path)
		if !hit {
			continue
		}
		if s.routes[i].method == method {
			return &s.routes[i], p, true
		}
		allowed = true
	}
	return nil, nil, allowed
}

func matchPattern(pattern, path string) (map[string]string, bool) {
	want, got := strings.Split(pattern, "/"), strings.Split(strings.TrimSuffix(path, "/"), "/")
	if len(want) != len(got) {
		return nil, false
	}
	params := map[string]string{}
	for i, w := range want {
		switch {
		case strings.HasPrefix(w, "{"):
			params[strings.Trim(w, "{}")] = got[i]
		case w != got[i]:
			return nil, false
		}
	}
	return params, true
}

// requireBot answers 401 unless the request carries a bot token, as Discord does.
func requireBot(h func(*Server, *request) reply) func(*Server, *request) reply {
	return func(s *Server, r *request) reply {
		if !strings.HasPrefix(r.auth, "Bot ") {
			return apiError(http.StatusUnauthorized, 0, "401: Unauthorized")
		}
		return h(s, r)
	}
}

// invalidForm answers Discord's 50035 with errors nested by field path.
func invalidForm(errs formErrors) reply {
	return reply{status: http.StatusBadRequest, body: map[string]any{"message": "Invalid Form Body", "code": 50035, "errors": errs.tree()}}
}

// formErrors collects validation errors by dotted field path ("embeds.0.title").
type formErrors map[string][]map[string]string

func (f formErrors) add(path, code, format string, args ...any) {
	f[path] = append(f[path], map[string]string{"code": code, "message": fmt.Sprintf(format, args...)})
}

// tree nests the errors as Discord does: {"embeds":{"0":{"title":{"_errors":[...]}}}}.
func (f formErrors) tree() map[string]any {
	root := map[string]any{}
	for path, errs := range f {
		node := root
		for _, key := range strings.Split(path, ".") {
			child, ok := node[key].(map[string]any)
			if !ok {
				child = map[string]any{}
				node[key] = child
			}
			node = child
		}
		node["_errors"] = errs
	}
	return root
}
