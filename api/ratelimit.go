package api

import (
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// Rate is a token bucket: PerSecond tokens refill each second, up to Burst.
type Rate struct {
	PerSecond float64
	Burst     int
}

// DefaultRates are the token buckets per tier: "public" is per client IP,
// every other tier (a role) is per API key. Procurement reads in bulk, so
// it gets more than the public.
var DefaultRates = map[string]Rate{
	"public":      {PerSecond: 20, Burst: 40},
	"procurement": {PerSecond: 100, Burst: 200},
	"vendor":      {PerSecond: 50, Burst: 100},
	"inspector":   {PerSecond: 50, Burst: 100},
	"certifier":   {PerSecond: 50, Burst: 100},
	"authority":   {PerSecond: 50, Burst: 100},
	"operator":    {PerSecond: 50, Burst: 100},
	"admin":       {PerSecond: 200, Burst: 400},
}

// ParseRates reads tiers written as "public=20:40,procurement=100:200"
// (tokens per second, then burst) over the defaults.
func ParseRates(s string) (map[string]Rate, error) {
	out := make(map[string]Rate, len(DefaultRates))
	for k, v := range DefaultRates {
		out[k] = v
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		tier, spec, ok := strings.Cut(part, "=")
		perS, burst, ok2 := strings.Cut(spec, ":")
		if _, known := DefaultRates[tier]; !ok || !ok2 || !known {
			return nil, fmt.Errorf("rate %q: write tier=perSecond:burst, with a tier among public, procurement, vendor, inspector, certifier, authority, admin", part)
		}
		r, err1 := strconv.ParseFloat(perS, 64)
		b, err2 := strconv.Atoi(burst)
		if err1 != nil || err2 != nil || r <= 0 || b < 1 {
			return nil, fmt.Errorf("rate %q: perSecond must be > 0 and burst ≥ 1", part)
		}
		out[tier] = Rate{PerSecond: r, Burst: b}
	}
	return out, nil
}

// rateLimiter keeps one token bucket per client (an IP for the public, a
// key id for keyed requests). Idle buckets are dropped, so memory stays
// bounded by the number of clients active in the last few minutes.
type rateLimiter struct {
	rates   map[string]Rate
	mu      sync.Mutex
	buckets map[bucketKey]*bucket
	swept   time.Time
	now     func() time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

const bucketIdle = 5 * time.Minute

func newRateLimiter(rates map[string]Rate) *rateLimiter {
	if rates == nil {
		rates = DefaultRates
	}
	return &rateLimiter{rates: rates, buckets: map[bucketKey]*bucket{}, now: time.Now}
}

// allow takes a token for client in tier; when none is left it returns how
// long until one is.
func (l *rateLimiter) allow(tier, client string) (bool, time.Duration) {
	r, ok := l.rates[tier]
	if !ok {
		r = l.rates["public"]
	}
	now := l.now()
	l.mu.Lock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > bucketIdle {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	key := bucketKey{tier, client}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(r.PerSecond), r.Burst)}
		l.buckets[key] = b
	}
	b.seen = now
	l.mu.Unlock()

	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// bucketKey names a bucket: its tier and its client (an IP or a key id);
// a struct rather than the two joined, which made a string a request.
type bucketKey struct{ tier, client string }

// limit is the middleware: keyed requests count against their key's
// bucket, in their role's tier; the public counts against its IP's.
// Health and metrics endpoints are exempt, so probes never starve.
func (s *Server) limit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Path() {
		case "/healthz", "/readyz", "/metrics":
			return next(c)
		}
		tier, client := "public", clientOf(c.RealIP())
		if a, ok := actorOf(c); ok {
			tier, client = string(a.Role), a.KeyID
		}
		ok, wait := s.limiter.allow(tier, client)
		if !ok {
			secs := int(math.Ceil(wait.Seconds()))
			if secs < 1 {
				secs = 1
			}
			c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
			return problem(http.StatusTooManyRequests, "rate-limited", "Too many requests",
				fmt.Sprintf("the %s rate limit is %.0f requests per second (bursts of %d); retry after %d s",
					tier, s.limiter.rates[tierOrPublic(s.limiter.rates, tier)].PerSecond, s.limiter.rates[tierOrPublic(s.limiter.rates, tier)].Burst, secs))
		}
		return next(c)
	}
}

// clientOf is the bucket of a client address: an IPv4 address, or the /64
// an IPv6 address is in. One host holds a whole /64 (a home line, a VPS):
// keyed by its full address, each of its 2^64 addresses had a bucket of its
// own, so a new source address per request never met the limit (and each
// grew the map of buckets).
func clientOf(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, err := a.WithZone("").Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}

func tierOrPublic(rates map[string]Rate, tier string) string {
	if _, ok := rates[tier]; ok {
		return tier
	}
	return "public"
}
