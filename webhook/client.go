// Package webhook delivers a fleet's alerts to the endpoints its operator
// registered, as the Standard Webhooks specification says: a safe HTTP
// client (https and public addresses only, checked again when the
// connection is made, no redirects, short timeouts, a bounded read), the
// senders that claim due deliveries with a lease and retry with
// exponential backoff, and the loop that runs the alert processor
// (models.AlertStep and AlertTick).
package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Timeouts and bounds of a delivery.
const (
	ConnectTimeout = 5 * time.Second
	RequestTimeout = 10 * time.Second
	// MaxResponseBody is how much of an endpoint's answer is read.
	MaxResponseBody = 64 << 10
)

// Policy says which endpoints may be called.
type Policy struct {
	// AllowPrivate lets webhooks reach loopback, private and link-local
	// addresses and plain http (CAMREG_WEBHOOK_ALLOW_PRIVATE=1): for tests
	// and closed networks only.
	AllowPrivate bool
	// Resolver looks host names up; nil is net.DefaultResolver.
	Resolver *net.Resolver
}

// reserved are the ranges no public endpoint lives in, beyond what
// netip's predicates know.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("192.88.99.0/24"), // 6to4 relays (deprecated)
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("::/8"),         // IETF-reserved: IPv4-compatible (::7f00:1) and SIIT (::ffff:0:a.b.c.d) forms of any IPv4
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64: may embed a private IPv4
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("100::/64"),  // discard-only
	netip.MustParsePrefix("2001::/23"), // IETF protocol assignments: Teredo (2001::/32) embeds an IPv4, benchmarking, ORCHID
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"), // 6to4: may embed a private IPv4
	netip.MustParsePrefix("3fff::/20"), // documentation (RFC 9637)
	netip.MustParsePrefix("5f00::/16"), // SRv6 segment identifiers
	netip.MustParsePrefix("fec0::/10"), // site-local (deprecated)
}

// Public reports whether ip is a public unicast address.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() || !ip.IsGlobalUnicast() {
		return false
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// CheckURL refuses a URL the server must not call: not https (http too
// under AllowPrivate), with user info, or whose host resolves to any
// address that is not public (unless AllowPrivate). The dial checks the
// address again, so a name that resolves elsewhere later (DNS rebinding)
// still cannot reach a private address.
func (p Policy) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return errors.New("must be an absolute URL such as https://hooks.example.vn/camreg")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && p.AllowPrivate:
	default:
		return errors.New("must use https")
	}
	if u.User != nil {
		return errors.New("must not carry a user name or password; put a token in the path or rely on the signature")
	}
	if u.Fragment != "" {
		return errors.New("must not have a #fragment")
	}
	if p.AllowPrivate {
		return nil
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if !Public(ip) {
			return fmt.Errorf("resolves to %s, which is not a public address", ip)
		}
		return nil
	}
	if !strings.Contains(host, ".") || strings.HasSuffix(host, ".local") || strings.HasSuffix(host, ".internal") ||
		strings.EqualFold(host, "localhost") || strings.HasSuffix(host, ".localhost") {
		return fmt.Errorf("host %q is not a public name", host)
	}
	r := p.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return fmt.Errorf("host %q does not resolve", host)
	}
	for _, a := range addrs {
		if !Public(a) {
			return fmt.Errorf("host %q resolves to %s, which is not a public address", host, a.Unmap())
		}
	}
	return nil
}

// errNotPublic is the dial's refusal.
var errNotPublic = errors.New("the address is not public")

// Client is the HTTP client deliveries go through: it dials only public
// addresses (checked on the connected address, after resolution, so DNS
// rebinding cannot reach a private one), uses no proxy, follows no
// redirect, and gives up after ConnectTimeout to connect and
// RequestTimeout in all.
func (p Policy) Client() *http.Client {
	d := &net.Dialer{Timeout: ConnectTimeout, KeepAlive: 30 * time.Second}
	if !p.AllowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !Public(ap.Addr()) {
				return fmt.Errorf("dial %s: %w", address, errNotPublic)
			}
			return nil
		}
	}
	if p.Resolver != nil {
		d.Resolver = p.Resolver
	}
	t := &http.Transport{
		Proxy:                 nil, // a proxy would dial for us, past the check
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   ConnectTimeout,
		ResponseHeaderTimeout: RequestTimeout,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       60 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Transport: t,
		Timeout:   RequestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// drain reads at most MaxResponseBody of an answer and closes it.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, MaxResponseBody))
	_ = body.Close()
}
