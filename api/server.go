// Package api is camreg's HTTP interface: an echo server whose handlers
// decode and check requests, call the services of package models, and
// answer with the wire types of this package. Errors are answered as
// RFC 9457 problem+json by one error handler.
package api

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	echoSwagger "github.com/swaggo/echo-swagger"
	"golang.org/x/mod/sumdb/note"

	"camreg/docs"
	"camreg/importer"
	"camreg/models"
	"camreg/search"
	"camreg/web"
	"camreg/webhook"
)

// Config holds the server's settings.
type Config struct {
	// Addr is the listen address, such as ":8080".
	Addr string
	// Logger receives structured logs; nil means the default logger.
	Logger *slog.Logger
	// RequestLogger, when set, receives the line logged for each request
	// answered below 500 (serve's writes them out in batches); nil means
	// Logger. The 5xx answers' lines go to Logger.
	RequestLogger *slog.Logger
	// Rates are the rate-limit tiers; nil means DefaultRates.
	Rates map[string]Rate
	// TrustedProxies are the CIDRs of reverse proxies whose
	// X-Forwarded-For is believed. Without them the client IP is the
	// connection's peer, so a client cannot dodge its rate limit by
	// forging the header.
	TrustedProxies []string
	// CORSOrigins are the browser origins allowed to call the API from
	// another site. Empty (the default) turns CORS off.
	CORSOrigins []string
	// Search answers /v1/search; nil answers 503. SearchLag, when set,
	// reports the indexer's last error (the index is behind), for /readyz.
	Search    search.Index
	SearchLag func() error
	// SearchProgress, when set, reads how far the index is behind the
	// change log (search.Indexer.Progress), for /readyz and /metrics.
	SearchProgress func(context.Context) (search.Progress, error)
	// MetricsToken, when set, lets a scraper that sends it as its bearer
	// key read /metrics from anywhere (CAMREG_METRICS_TOKEN); loopback
	// and admin keys may read it without.
	MetricsToken string
	// ImportLimits bound the files POST /v1/imports reads (CAMREG_IMPORT_MAX_*);
	// a zero Bytes means 50 MiB, the other zero fields the importer's defaults.
	ImportLimits importer.Limits
	// PublicURL is the absolute base URL of public permalinks and feeds,
	// such as https://camreg.example.vn (CAMREG_PUBLIC_URL); empty means
	// the request's own scheme and host.
	PublicURL string
	// LogSigner signs the log's checkpoints and verdict receipts with the
	// registry's key; nil answers them 503, saying how to make one.
	LogSigner note.Signer
	// Webhooks is the policy a webhook's URL is checked against on
	// registration (https and public unless AllowPrivate).
	Webhooks webhook.Policy
	// NudgeSender, when set, asks the webhook sender to look for due
	// deliveries now (after a re-send).
	NudgeSender func()
	// Collectors are more Prometheus metrics for /metrics (the alerts' and
	// webhooks').
	Collectors []prometheus.Collector
}

// Server is the HTTP API. Its handlers are methods, and its dependencies
// are explicit fields.
type Server struct {
	store   *models.Store
	log     *slog.Logger
	reqLog  *slog.Logger
	echo    *echo.Echo
	metrics *metrics
	limiter *rateLimiter
	started time.Time
	// search is the full-text index; searchLag its indexer's last error.
	search         search.Index
	searchLag      func() error
	searchProgress func(context.Context) (search.Progress, error)
	// publicURL is Config.PublicURL without a trailing slash.
	publicURL string
	// proxies are Config.TrustedProxies, parsed: only their
	// X-Forwarded-Proto is believed (permalink.go).
	proxies []*net.IPNet
	// dbTrouble is when a request last met an unavailable database, for /readyz.
	dbTrouble databaseTrouble
	// imports are the import jobs this process runs (import.go).
	imports importJobs
	// searchSlots bounds the searches running at once (search.go).
	searchSlots *slots
	// answers keeps GET /v1/verify's encoded answers at the change log's
	// head (verify_answers.go).
	answers verifyAnswers
	// admission bounds the API requests running at once (admission.go).
	admission *admission
	// importLimits bound the files of import jobs (import.go).
	importLimits importer.Limits
	// logSigner is Config.LogSigner (log.go).
	logSigner note.Signer
	// metricsTok is Config.MetricsToken (strict.go).
	metricsTok string
	// webhooks checks webhook URLs (webhook.go); nudgeSender is
	// Config.NudgeSender.
	webhooks    webhook.Policy
	nudgeSender func()
}

// New builds the server and its routes over a migrated store.
func New(store *models.Store, cfg Config) *Server {
	lg := cfg.Logger
	if lg == nil {
		lg = slog.Default()
	}
	s := &Server{store: store, log: lg, echo: echo.New(), metrics: newMetrics(),
		limiter: newRateLimiter(cfg.Rates), started: time.Now(), search: cfg.Search, searchLag: cfg.SearchLag,
		searchProgress: cfg.SearchProgress,
		publicURL:      strings.TrimRight(cfg.PublicURL, "/"), searchSlots: newSearchSlots(),
		admission: newAdmission(), importLimits: cfg.ImportLimits, logSigner: cfg.LogSigner, metricsTok: cfg.MetricsToken,
		webhooks: cfg.Webhooks, nudgeSender: cfg.NudgeSender}
	s.reqLog = cfg.RequestLogger
	if s.reqLog == nil {
		s.reqLog = lg
	}
	s.metrics.registry.MustRegister(cfg.Collectors...)
	if s.importLimits.Bytes <= 0 {
		s.importLimits.Bytes = defaultUploadBytes
	}
	if s.search != nil {
		s.metrics.watchSearchLag(store, s.search)
	}
	if s.searchProgress != nil {
		s.metrics.registry.MustRegister(indexerCollector{name: "search", progress: s.searchProgress})
	}
	e := s.echo
	e.IPExtractor = echo.ExtractIPDirect()
	if len(cfg.TrustedProxies) > 0 {
		// Only the configured proxies: echo would also believe any client
		// on loopback, link-local or a private network (an intranet's
		// neighbours), who could then forge their address.
		opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, cidr := range cfg.TrustedProxies {
			if _, n, err := net.ParseCIDR(cidr); err == nil {
				opts = append(opts, echo.TrustIPRange(n))
				s.proxies = append(s.proxies, n)
			}
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(opts...)
	}
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Server.ReadHeaderTimeout = 5 * time.Second
	e.Server.ReadTimeout = 30 * time.Second
	e.Server.WriteTimeout = 60 * time.Second
	e.Server.IdleTimeout = 120 * time.Second
	e.Server.MaxHeaderBytes = 64 << 10
	e.Server.Addr = cfg.Addr

	e.Pre(headAsGet)
	e.Pre(allowHead)
	e.Use(boundRequestID)
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		// A client's id is kept when it looks like one; otherwise a new one is made.
		Skipper:   func(echo.Context) bool { return false },
		Generator: newRequestID,
		RequestIDHandler: func(c echo.Context, id string) {
			c.Response().Header().Set(echo.HeaderXRequestID, id)
		},
	}))
	e.Use(s.recoverPanics)
	e.Use(s.logRequests)
	e.Use(s.metrics.middleware)
	e.Use(securityHeaders)
	if len(cfg.CORSOrigins) > 0 {
		e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:  cfg.CORSOrigins,
			AllowMethods:  []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPatch, http.MethodDelete},
			AllowHeaders:  []string{echo.HeaderAuthorization, echo.HeaderContentType, "If-Match", "If-None-Match"},
			ExposeHeaders: []string{"ETag", echo.HeaderLocation, "Retry-After", echo.HeaderXRequestID},
			MaxAge:        600,
		}))
	}
	e.Use(strictQuery)
	e.Use(knownQuery)
	e.Use(boundDatabaseWait)
	e.Use(s.authenticate)
	e.Use(s.limit)
	e.Use(s.admission.middleware)
	s.routes()
	return s
}

// Handler returns the server as an http.Handler, for tests.
func (s *Server) Handler() http.Handler { return s.echo }

// Echo returns the echo instance, for tests and extra routes.
func (s *Server) Echo() *echo.Echo { return s.echo }

// Start serves until ctx is cancelled, then shuts down gracefully: it stops
// accepting connections and lets requests in flight finish for up to 20 s.
func (s *Server) Start(ctx context.Context) error {
	if s.echo.Listener == nil {
		l, err := net.Listen("tcp", s.echo.Server.Addr)
		if err != nil {
			return err
		}
		s.echo.Listener = problemListener(l)
	}
	errc := make(chan error, 1)
	go func() { errc <- s.echo.StartServer(s.echo.Server) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", slog.String("reason", "signal"))
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.echo.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := s.imports.stop(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}

func (s *Server) routes() {
	e := s.echo
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.guardMetrics(promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})))
	e.GET("/openapi.json", s.openAPI)
	e.GET("/problems/:type", s.problemDoc)
	e.GET("/swagger/*", problemOnNotFound(echoSwagger.WrapHandler))
	e.GET("/swagger", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/swagger/index.html") })

	v1 := e.Group("/v1")
	// Who may call what; the services then check what each role may do to
	// a given object (its own organization's, mostly). README.md has the
	// matrix, and api/permissions_test.go tests every cell of it.
	admin := requireRole(models.RoleAdmin)
	orgCreators := requireRole(models.RoleAdmin, models.RoleInspector)
	orgEditors := requireRole(models.RoleAdmin, models.RoleVendor)
	registrants := requireRole(models.RoleAdmin, models.RoleVendor)
	certifiers := requireRole(models.RoleAdmin, models.RoleCertifier, models.RoleVendor)
	authorities := requireRole(models.RoleAdmin, models.RoleAuthority)
	listers := requireRole(models.RoleAdmin, models.RoleVendor, models.RoleInspector)
	auditors := requireRole(models.RoleAdmin, models.RoleAuthority)

	v1.GET("/organizations", s.listOrganizations)
	v1.POST("/organizations", s.createOrganization, orgCreators, s.idempotent)
	v1.GET("/organizations/:id", s.getOrganization)
	v1.PATCH("/organizations/:id", s.updateOrganization, orgEditors)
	v1.DELETE("/organizations/:id", s.deleteOrganization, admin)

	v1.GET("/models", s.listModels)
	v1.POST("/models", s.createModel, registrants, s.idempotent)
	v1.GET("/models/:id", s.getModel)
	v1.PATCH("/models/:id", s.updateModel, registrants)
	v1.DELETE("/models/:id", s.deleteModel, admin)

	v1.GET("/standards", s.listStandards)
	v1.POST("/standards", s.createStandard, admin, s.idempotent)
	v1.GET("/standards/:id", s.getStandard)
	v1.PATCH("/standards/:id", s.updateStandard, admin)

	v1.GET("/certificates", s.listCertificates)
	v1.POST("/certificates", s.createCertificate, certifiers, s.idempotent)
	v1.GET("/certificates/:id", s.getCertificate)
	v1.PATCH("/certificates/:id", s.updateCertificate, certifiers)

	v1.GET("/origin-certificates", s.listOriginCertificates)
	v1.POST("/origin-certificates", s.createOriginCertificate, registrants, s.idempotent)
	v1.GET("/origin-certificates/:id", s.getOriginCertificate)
	v1.PATCH("/origin-certificates/:id", s.updateOriginCertificate, registrants)

	v1.GET("/warnings", s.listWarnings)
	v1.POST("/warnings", s.createWarning, authorities, s.idempotent)
	v1.GET("/warnings/:id", s.getWarning)
	v1.PATCH("/warnings/:id", s.updateWarning, authorities)

	v1.GET("/listings", s.listListings)
	v1.POST("/listings", s.createListing, listers, s.idempotent)
	v1.GET("/listings/:id", s.getListing)
	v1.PATCH("/listings/:id", s.updateListing, listers)
	v1.DELETE("/listings/:id", s.deleteListing, listers)

	for _, collection := range []string{"organizations", "models", "standards", "certificates", "origin-certificates", "warnings", "listings"} {
		v1.GET("/"+collection+"/:id/history", s.history)
	}
	v1.GET("/audit", s.listAudit, auditors)
	s.logRoutes(v1)

	v1.GET("/provinces", s.listProvinces)

	v1.GET("/search", s.searchRegistry)

	// Bulk import and export. A vendor imports only its own organization's
	// models, C/Os and listings (the importer checks every row); any key
	// reads its own import jobs, an admin all of them.
	v1.POST("/imports", s.createImport, requireRole(models.RoleAdmin, models.RoleVendor, models.RoleOperator))
	v1.GET("/imports/:id", s.getImport, requireRole(models.Roles...))
	v1.GET("/export/:file", s.exportDataset)

	// The published list of compliant models, and its changes: public.
	v1.GET("/compliant-models", s.listCompliantModels)
	v1.GET("/compliant-models/changes", s.listCompliantChanges)

	// Fleets: an operator's installed cameras (api/fleet.go).
	s.fleetRoutes(v1)
	// Their alerts and webhooks (api/alert.go, api/webhook.go).
	s.alertRoutes(v1)
	s.webhookRoutes(v1)

	// Verify, feeds and permalinks are public; inspections, findings and
	// compliance summaries are private trader data (api/inspection.go).
	v1.GET("/verify", s.verify)
	v1.POST("/verify", s.verifyBulk)
	v1.GET("/feed.atom", s.feedAtom)
	v1.GET("/feed.json", s.feedJSON)
	v1.POST("/inspections", s.createInspection, inspectors, s.idempotent)
	v1.GET("/inspections", s.listInspections, traderReaders)
	v1.GET("/inspections/:id", s.getInspection, traderReaders)
	v1.GET("/inspections/:id/record.pdf", s.getInspectionRecord, traderReaders)
	v1.POST("/inspections/:id/findings", s.createManualFinding, inspectors, s.idempotent)
	v1.POST("/inspections/:id/photos", s.addInspectionPhoto, inspectors, s.idempotent)
	v1.GET("/inspections/:id/photos", s.listInspectionPhotos, traderReaders)
	v1.POST("/findings/:id/photos", s.addFindingPhoto, inspectors, s.idempotent)
	v1.GET("/photos/:id", s.getPhoto, traderReaders)
	v1.POST("/inspections/:id/items/:n/resolve", s.resolveInspectionItem, inspectors, s.idempotent)
	v1.GET("/findings", s.listFindings, traderReaders)
	v1.GET("/findings/:id", s.getFinding, traderReaders)
	v1.PATCH("/findings/:id", s.updateFinding, inspectors, s.idempotent)
	v1.GET("/organizations/:id/compliance", s.getCompliance, traderReaders)
	e.GET("/m/:brand/:model", s.permalink)
	e.GET("/m/:brand/:model/qr.png", s.permalinkQRPNG)
	e.GET("/m/:brand/:model/qr.svg", s.permalinkQRSVG)

	// The inspector's page (package web): embedded static files, public.
	page := problemOnNotFound(echo.WrapHandler(web.Handler()))
	e.GET(web.IndexPath, page)
	e.HEAD(web.IndexPath, page)
	e.GET(web.StaticPrefix+"*", page)
	e.HEAD(web.StaticPrefix+"*", page)

	v1.GET("/keys", s.listKeys, admin)
	v1.POST("/keys", s.createKey, admin)
	v1.DELETE("/keys/:id", s.revokeKey, admin)
}

// healthResponse answers /healthz and /readyz.
type healthResponse struct {
	Status string            `json:"status" example:"ok"`
	Checks map[string]string `json:"checks,omitempty"`
	// SearchLag is how far the search index is behind the change log.
	SearchLag *searchLagResponse `json:"search_lag,omitempty"`
}

// healthz godoc
//
//	@Summary	Liveness: the process is up
//	@Tags		operations
//	@Produce	json
//	@Success	200	{object}	healthResponse
//	@Router		/healthz [get]
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, healthResponse{Status: "ok"})
}

// readyz godoc
//
//	@Summary		Readiness: the database answers and requests are not queueing for a slot (503 if not); search is reported as "degraded" when its engine is down or its indexer failing, "catching_up" when its index is far behind (still 200)
//	@Description	search_lag gives the index's lag behind the change log (events, and the age of the oldest not applied). A lagging index never makes /readyz 503: verify, reads and writes do not use it.
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	healthResponse
//	@Failure		503	{object}	healthResponse
//	@Router			/readyz [get]
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{"database": "ok"}
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("readiness: database unreachable", slog.String("error", err.Error()))
		checks["database"] = "unreachable"
		c.Response().Header().Set("Retry-After", "5")
		return c.JSON(http.StatusServiceUnavailable, healthResponse{Status: "unavailable", Checks: checks})
	}
	// A node whose requests queue for a slot is not ready for more.
	if s.admission.saturated() {
		checks["admission"] = "saturated"
		c.Response().Header().Set("Retry-After", "1")
		return c.JSON(http.StatusServiceUnavailable, healthResponse{Status: "saturated", Checks: checks})
	}
	// A full or read-only disk answers pings; the requests it failed tell.
	if why, ok := s.dbTrouble.recent(); ok {
		checks["database"] = string(why)
		c.Response().Header().Set("Retry-After", "5")
		return c.JSON(http.StatusServiceUnavailable, healthResponse{Status: "unavailable", Checks: checks})
	}
	// Search is derived data: writes and reads of the registry work
	// without it, so a search outage degrades readiness but does not fail it.
	// A lagging index is reported, never 503: see indexlag.go.
	var lag *searchLagResponse
	if s.search != nil {
		checks["search"] = "ok"
		l, behind := s.searchLagCheck(ctx)
		lag = l
		if err := s.search.Ping(ctx); err != nil {
			s.log.Warn("readiness: search engine unreachable", slog.String("error", err.Error()))
			checks["search"] = "degraded"
		} else if s.searchLag != nil && s.searchLag() != nil {
			checks["search"] = "degraded"
		} else if behind {
			checks["search"] = "catching_up"
		}
		if checks["search"] != "ok" {
			return c.JSON(http.StatusOK, healthResponse{Status: "degraded", Checks: checks, SearchLag: lag})
		}
	}
	return c.JSON(http.StatusOK, healthResponse{Status: "ok", Checks: checks, SearchLag: lag})
}

func (s *Server) openAPI(c echo.Context) error {
	doc := docs.SwaggerInfo.ReadDoc()
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, []byte(doc))
}

// recoverPanics turns a panic into a logged 500, never a stack trace in the
// response.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.log.Error("panic", slog.String("request_id", requestID(c)), slog.Any("panic", r))
				err = echo.NewHTTPError(http.StatusInternalServerError)
			}
		}()
		return next(c)
	}
}

// logRequests writes one structured line per request. It never logs
// headers or bodies, so keys and personal data stay out of the logs.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		// As Attrs, not as the values of Log's ...any: each Attr boxed
		// into an interface was an allocation, six or eight a request.
		attrs := [8]slog.Attr{
			slog.String("request_id", requestID(c)),
			slog.String("method", c.Request().Method),
			slog.String("path", c.Request().URL.Path),
			slog.Int("status", status),
			slog.Duration("duration", time.Since(start)),
			slog.String("remote_ip", c.RealIP()),
		}
		n := 6
		if a, ok := actorOf(c); ok {
			attrs[6], attrs[7] = slog.String("actor", a.Label()), slog.String("role", string(a.Role))
			n = 8
		}
		lg, level := s.reqLog, slog.LevelInfo
		if status >= 500 {
			lg, level = s.log, slog.LevelError
		}
		lg.LogAttrs(c.Request().Context(), level, "request", attrs[:n]...)
		return nil
	}
}

// securityHeaders sets the headers every response carries. The Swagger UI
// needs scripts and styles of its own, so it gets a looser policy; the
// inspector's page may load its own scripts, styles and images and call
// the API (web.CSP); everything else, the API included, may load nothing.
//
// The values are slices made once and shared by every response (a
// header's Set made a new one-string slice each time: four allocations a
// request, at 20,000 requests a second); each has no room to spare, so an
// Add to one of these headers copies it rather than writing into it.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h["X-Content-Type-Options"] = hdrNosniff
		h["X-Frame-Options"] = hdrDeny
		h["Referrer-Policy"] = hdrNoReferrer
		p := c.Request().URL.Path
		if strings.HasPrefix(p, "/swagger/") {
			h["Content-Security-Policy"] = hdrCSPSwagger
		} else if p == web.IndexPath || strings.HasPrefix(p, web.StaticPrefix) {
			h["Content-Security-Policy"] = hdrCSPWeb
		} else {
			h["Content-Security-Policy"] = hdrCSPNone
		}
		return next(c)
	}
}

var (
	hdrNosniff    = []string{"nosniff"}
	hdrDeny       = []string{"DENY"}
	hdrNoReferrer = []string{"no-referrer"}
	hdrCSPSwagger = []string{"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"}
	hdrCSPWeb     = []string{web.CSP}
	hdrCSPNone    = []string{"default-src 'none'; frame-ancestors 'none'"}
)

// metrics are the Prometheus metrics of the HTTP API.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.HistogramVec
	// unavailable counts the requests answered 503 because the database
	// could not serve them, by cause (models.Unavailability: unreachable,
	// overloaded, disk full, read-only).
	unavailable *prometheus.CounterVec
}

func newMetrics() *metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	m := &metrics{
		registry: reg,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "camreg_http_request_duration_seconds",
			Help:    "HTTP request latency by route, method and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "method", "status"}),
	}
	m.unavailable = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "camreg_database_unavailable_total",
		Help: "Requests answered 503 because the database could not serve them, by cause.",
	}, []string{"cause"})
	reg.MustRegister(m.requests, m.unavailable)
	return m
}

// watchSearchLag exports how far the search index is behind the change
// log, read at each scrape: the events after the index's cursor. Every
// process's index should converge to 0 shortly after writes stop; a
// growing value means its indexer is failing (see /readyz).
func (m *metrics) watchSearchLag(store *models.Store, idx search.Index) {
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "camreg_search_lag_events",
		Help: "Change-log events the search index has not applied yet; -1 when it cannot be read.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		cursor, err := idx.Cursor(ctx)
		if err != nil {
			return -1
		}
		var head int64
		if err := store.DB().QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM events").Scan(&head); err != nil {
			return -1
		}
		return float64(max(head-cursor, 0))
	}))
}

func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, c.Request().Method, strconv.Itoa(c.Response().Status)).Observe(time.Since(start).Seconds())
		return nil
	}
}
