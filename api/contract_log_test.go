package api

import "net/http"

// logCases calls the verifiable log's operations: without a key, then
// with one, with good and bad numbers.
func (c *contract) logCases() {
	get := http.MethodGet
	c.do(call{method: get, path: "/v1/log/checkpoint", role: "public", want: 503})
	c.e.withLogKey(c.t)
	c.do(call{method: get, path: "/v1/log/checkpoint", role: "public", want: 200})
	c.do(call{method: get, path: "/v1/log/entries/1", role: "admin", want: 200})
	c.do(call{method: get, path: "/v1/log/entries/0", role: "public", want: 403})
	c.do(call{method: get, path: "/v1/log/entries/x", role: "public", want: 422})
	c.do(call{method: get, path: "/v1/log/entries/1000000", role: "admin", want: 404})
	c.do(call{method: get, path: "/v1/log/entries/0/hash", role: "public", want: 200})
	c.do(call{method: get, path: "/v1/log/entries/1000000/hash", role: "public", want: 404})
	c.do(call{method: get, path: "/v1/log/proof/inclusion?index=0&size=2", role: "public", want: 200})
	c.do(call{method: get, path: "/v1/log/proof/inclusion?index=2&size=2", role: "public", want: 422})
	c.do(call{method: get, path: "/v1/log/proof/consistency?from=1&to=2", role: "public", want: 200})
	c.do(call{method: get, path: "/v1/log/proof/consistency?from=2", role: "public", want: 422})
}
