// Package metrics is what an operator sees of a running bot: Prometheus metrics on
// GET /metrics, and liveness and readiness on GET /healthz and GET /readyz, served on
// metrics.listen. The bot, the database and the scheduler report into it through the small
// observer interfaces they declare (bot.Observer, storage.Observer); internal/app wires them.
package metrics

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds the registry and every stretchbot_… metric. Its methods are safe for
// concurrent use and cheap: they run on the paths they count.
type Metrics struct {
	registry *prometheus.Registry

	interactions    *prometheus.CounterVec
	handlerSeconds  *prometheus.HistogramVec
	restAnswers     *prometheus.CounterVec
	gatewayEvents   *prometheus.CounterVec
	dbWriteSeconds  prometheus.Histogram
	dbWriteFailures prometheus.Counter
	dbBusyWaits     prometheus.Counter
}

// New registers the Go runtime and process collectors and stretchbot's own metrics.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		registry: reg,
		interactions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stretchbot_interactions_total",
			Help: "Interactions answered, by kind (command, component, autocomplete), command and outcome (ok, user_error, forbidden, busy, internal_error, refused).",
		}, []string{"kind", "command", "outcome"}),
		handlerSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "stretchbot_interaction_seconds",
			Help: "Time from an interaction's arrival to its answer having been sent, by kind.",
			// Discord fails an interaction not acknowledged in 3 s; the buckets straddle it.
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 1.5, 2, 3, 5, 10, 30},
		}, []string{"kind"}),
		restAnswers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stretchbot_rest_responses_total",
			Help: "Discord's answers to REST requests, by route (method and path with ids replaced) and HTTP status; 429s included.",
		}, []string{"route", "status"}),
		gatewayEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stretchbot_gateway_events_total",
			Help: "Gateway connection events per shard: connect (identified, READY), resume (RESUMED) and disconnect.",
		}, []string{"shard", "event"}),
		dbWriteSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "stretchbot_db_write_seconds",
			Help:    "Duration of database write transactions, waits for the lock included.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
		dbWriteFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "stretchbot_db_write_failures_total",
			Help: "Database write transactions that failed (rolled back or busy).",
		}),
		dbBusyWaits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "stretchbot_db_busy_waits_total",
			Help: "Times a write found the database locked by another connection or process and waited to try again.",
		}),
	}
	reg.MustRegister(m.interactions, m.handlerSeconds, m.restAnswers, m.gatewayEvents,
		m.dbWriteSeconds, m.dbWriteFailures, m.dbBusyWaits)
	return m
}

// Interaction counts one answered interaction and its latency.
func (m *Metrics) Interaction(kind, command, outcome string, latency time.Duration) {
	m.interactions.WithLabelValues(kind, command, outcome).Inc()
	m.handlerSeconds.WithLabelValues(kind).Observe(latency.Seconds())
}

// RESTAnswer counts one answer from Discord's REST API.
func (m *Metrics) RESTAnswer(route string, status int) {
	m.restAnswers.WithLabelValues(route, strconv.Itoa(status)).Inc()
}

// Gateway counts a gateway event of a shard.
func (m *Metrics) Gateway(shard int, event string) {
	m.gatewayEvents.WithLabelValues(strconv.Itoa(shard), event).Inc()
}

// Write observes one database write transaction.
func (m *Metrics) Write(d time.Duration, err error) {
	m.dbWriteSeconds.Observe(d.Seconds())
	if err != nil {
		m.dbWriteFailures.Inc()
	}
}

// BusyWait counts one wait for a locked database.
func (m *Metrics) BusyWait() { m.dbBusyWaits.Inc() }

// Gauge registers a gauge read at every scrape from value.
func (m *Metrics) Gauge(name, help string, value func() float64) {
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, value))
}

// ShardState is one gateway connection as the bot sees it.
type ShardState struct {
	ID        int
	Connected bool
	// AckAge is how long ago Discord last acknowledged a heartbeat; it grows past the
	// heartbeat interval when the connection is stuck.
	AckAge time.Duration
	// Latency is the last heartbeat's round trip; 0 before the first, and then not reported.
	Latency time.Duration
}

// Shards registers per-shard gauges read at every scrape from shards.
func (m *Metrics) Shards(shards func() []ShardState) {
	m.registry.MustRegister(&shardCollector{shards: shards})
}

var (
	shardConnectedDesc = prometheus.NewDesc("stretchbot_gateway_connected",
		"1 while the shard's gateway connection is identified or resumed, 0 otherwise.", []string{"shard"}, nil)
	shardLatencyDesc = prometheus.NewDesc("stretchbot_gateway_latency_seconds",
		"Round trip of the shard's last acknowledged heartbeat (sent to acked, on the wire).", []string{"shard"}, nil)
	shardAckAgeDesc = prometheus.NewDesc("stretchbot_gateway_heartbeat_ack_age_seconds",
		"Seconds since Discord last acknowledged the shard's heartbeat (the gateway's liveness; above the heartbeat interval, about 41 s, the connection is stuck).",
		[]string{"shard"}, nil)
)

type shardCollector struct{ shards func() []ShardState }

func (c *shardCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- shardConnectedDesc
	ch <- shardAckAgeDesc
	ch <- shardLatencyDesc
}

func (c *shardCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.shards() {
		id := strconv.Itoa(s.ID)
		connected := 0.0
		if s.Connected {
			connected = 1
		}
		ch <- prometheus.MustNewConstMetric(shardConnectedDesc, prometheus.GaugeValue, connected, id)
		ch <- prometheus.MustNewConstMetric(shardAckAgeDesc, prometheus.GaugeValue, s.AckAge.Seconds(), id)
		if s.Latency > 0 {
			ch <- prometheus.MustNewConstMetric(shardLatencyDesc, prometheus.GaugeValue, s.Latency.Seconds(), id)
		}
	}
}

// JobCounts are the durable scheduler's rows at one moment.
type JobCounts struct {
	Pending int // not completed yet
	Due     int // pending and due now or earlier: more than a few means the scheduler lags
}

// Jobs registers the scheduler's gauges, read at every scrape from count (given a
// context that ends with the scrape's budget).
func (m *Metrics) Jobs(count func(ctx context.Context) (JobCounts, error)) {
	m.registry.MustRegister(&jobsCollector{count: count})
}

var (
	jobsPendingDesc = prometheus.NewDesc("stretchbot_jobs_pending", "Work due later (lobbies, reminders, session deadlines, Discord events) not done yet.", nil, nil)
	jobsDueDesc     = prometheus.NewDesc("stretchbot_jobs_due", "Pending work whose due time has passed.", nil, nil)
)

// scrapeBudget bounds what one scrape may wait for the database.
const scrapeBudget = 2 * time.Second

type jobsCollector struct {
	count func(ctx context.Context) (JobCounts, error)
}

func (c *jobsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- jobsPendingDesc
	ch <- jobsDueDesc
}

func (c *jobsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeBudget)
	defer cancel()
	n, err := c.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(jobsPendingDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(jobsPendingDesc, prometheus.GaugeValue, float64(n.Pending))
	ch <- prometheus.MustNewConstMetric(jobsDueDesc, prometheus.GaugeValue, float64(n.Due))
}
