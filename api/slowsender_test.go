package api

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// Issue #14, hole 2: twenty anonymous clients that trickle a POST
// /v1/verify body one byte at a time, over real TCP connections, took
// every admission slot, so every other request answered 503 while
// /readyz said 200. Bodies are now read before a slot is taken: the
// others are served, and the tricklers are cut off with 408.
func TestSlowSendersDoNotStarveOthers(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.srv.admission.slots = &slots{ch: make(chan struct{}, 4), wait: 300 * time.Millisecond, busy: registryBusy}
		e.srv.admission.bodyWait = 1500 * time.Millisecond
		ts := httptest.NewServer(e.srv.Handler())
		defer ts.Close()
		addr := strings.TrimPrefix(ts.URL, "http://")

		const senders = 20
		var wg sync.WaitGroup
		statuses := make(chan string, senders)
		stop := make(chan struct{})
		for i := 0; i < senders; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				conn, err := net.Dial("tcp", addr)
				if err != nil {
					statuses <- err.Error()
					return
				}
				defer conn.Close()
				fmt.Fprintf(conn, "POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{")
				go func() {
					for {
						select {
						case <-stop:
							return
						case <-time.After(100 * time.Millisecond):
							if _, err := conn.Write([]byte(" ")); err != nil {
								return
							}
						}
					}
				}()
				_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
				line, err := bufio.NewReader(conn).ReadString('\n')
				if err != nil {
					statuses <- err.Error()
					return
				}
				statuses <- strings.TrimSpace(line)
			}()
		}
		defer close(stop)
		time.Sleep(400 * time.Millisecond) // every sender is connected and trickling

		for i := 0; i < 5; i++ {
			res, err := http.Get(ts.URL + "/v1/verify?model=DS-2CD1023G0E-I")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("request %d while %d senders trickle: %d", i, senders, res.StatusCode)
			}
		}
		res, err := http.Get(ts.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("/readyz while the others are served: %d", res.StatusCode)
		}
		wg.Wait()
		close(statuses)
		for s := range statuses {
			if !strings.Contains(s, " 408 ") {
				t.Errorf("a trickling sender got %q, want 408", s)
			}
		}
	})
}

// /readyz answers 503 while every slot is taken and requests wait for one,
// and 200 again once they are served.
func TestReadyzWhenSaturated(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.srv.admission.slots = &slots{ch: make(chan struct{}, 2), wait: 5 * time.Second, busy: registryBusy}
		entered, release := make(chan struct{}, 10), make(chan struct{})
		e.srv.Echo().GET("/v1/test-hold", func(c echo.Context) error {
			entered <- struct{}{}
			<-release
			return c.NoContent(http.StatusOK)
		})
		var wg sync.WaitGroup
		for i := 0; i < 3; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec := httptest.NewRecorder()
				e.srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/test-hold", nil))
			}()
		}
		<-entered
		<-entered
		for e.srv.admission.slots.waiting.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		r := e.do(http.MethodGet, "/readyz", "", nil).want(http.StatusServiceUnavailable)
		if r.json()["checks"].(map[string]any)["admission"] != "saturated" || r.Header().Get("Retry-After") == "" {
			t.Fatalf("saturated /readyz: %s", r.Body.String())
		}
		close(release)
		wg.Wait()
		e.do(http.MethodGet, "/readyz", "", nil).want(http.StatusOK)
	})
}
