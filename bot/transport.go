package bot

import (
	"fmt"
	"net/http"
	"net/url"
)

// apiTransport sends every request to the configured API base (scheme and host),
// keeping the path. discordgo builds its URLs from package-level endpoint variables;
// rewriting them in the transport is the route discordgo's maintainers recommend and
// redirects every REST route at once, including GET /gateway, whose answer then
// points the websocket at the same place.
type apiTransport struct {
	base   *url.URL
	parent http.RoundTripper
}

func newAPITransport(apiURL string, parent http.RoundTripper) (*apiTransport, error) {
	base, err := url.Parse(apiURL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("discord.api_url %q is not a URL", apiURL)
	}
	return &apiTransport{base: base, parent: parent}, nil
}

// RoundTrip implements http.RoundTripper.
func (t *apiTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == t.base.Host && req.URL.Scheme == t.base.Scheme {
		return t.parent.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	out.URL.Scheme = t.base.Scheme
	out.URL.Host = t.base.Host
	out.Host = t.base.Host
	return t.parent.RoundTrip(out)
}
