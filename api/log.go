package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"golang.org/x/mod/sumdb/tlog"

	"camreg/models"
	"camreg/translog"
)

// The verifiable log: the change log as an RFC 6962 tree, its signed
// checkpoints and proofs, for anyone to check with golang.org/x/mod/sumdb/tlog.

// errNoLogKey answers what needs the registry's signing key when it has none.
var errNoLogKey = problem(http.StatusServiceUnavailable, "no-log-key", "This registry signs no checkpoints yet",
	"its operator has not created a log signing key: run `camreg log key create` (the key goes to CAMREG_LOG_KEY or $CAMREG_DATA/log.key) and restart camreg serve")

// proofResponse is a proof: base64 hashes in the order tlog.ProveRecord or
// tlog.ProveTree gives them.
type proofResponse struct {
	Proof []string `json:"proof"`
}

// leafHashResponse is a leaf's hash.
type leafHashResponse struct {
	Index int64 `json:"index" example:"41"`
	// LeafHash is base64 of SHA-256(0x00 || leaf bytes), as RFC 6962 hashes a leaf.
	LeafHash string `json:"leaf_hash" example:"q1zQfC9aQ0Gq0aCqv7Xlq0n4d8m8J0w1l2V9b0c3d4E="`
}

// signedCheckpoint signs the log's current head. It returns errNoLogKey
// without a key.
func (s *Server) signedCheckpoint(c echo.Context) (translog.Checkpoint, []byte, error) {
	if s.logSigner == nil {
		return translog.Checkpoint{}, nil, errNoLogKey
	}
	n, root, err := s.store.LogHead(c.Request().Context())
	if err != nil {
		return translog.Checkpoint{}, nil, err
	}
	cp := translog.Checkpoint{Origin: s.logSigner.Name(), Size: n, Root: root}
	msg, err := translog.SignCheckpoint(cp, s.logSigner)
	return cp, msg, err
}

// logCheckpoint godoc
//
//	@Summary		The log's latest signed checkpoint
//	@Description	A C2SP tlog-checkpoint: a signed note whose text is the log's origin, its size (the number of change-log events) and the base64 RFC 6962 root hash over them, signed with the registry's Ed25519 key (verify it with the key `camreg log vkey` prints, through golang.org/x/mod/sumdb/note). Save one: `camreg audit verify --checkpoint` and witnesses check later logs against it. 503 when the registry has no signing key.
//	@Tags			log
//	@Produce		plain
//	@Success		200	{string}	string	"the signed checkpoint"
//	@Failure		503	{object}	Problem
//	@Router			/v1/log/checkpoint [get]
func (s *Server) logCheckpoint(c echo.Context) error {
	_, msg, err := s.signedCheckpoint(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", msg)
}

// logIndex reads a leaf index from the path.
func logIndex(c echo.Context) (int64, error) {
	i, err := strconv.ParseInt(c.Param("index"), 10, 64)
	if err != nil || i < 0 {
		return 0, fieldProblem([]models.FieldError{{Field: "index", Message: "must be a leaf index: a whole number from 0"}})
	}
	return i, nil
}

// logEntry godoc
//
//	@Summary		A leaf of the log: one change-log event's bytes
//	@Description	The event's canonical bytes, the leaf its RFC 6962 hash covers: a JSON array of seq, time, actor, actor role, actor organization, action, entity, entity id, changes and prev_hash. Index counts from 0 in log order (event seq − 1). The bytes are served only to those who may read the record on GET (and, for organizations, its contact details when the event carries them); everyone else gets 403 and may still read the leaf's hash at /v1/log/entries/{index}/hash.
//	@Tags			log
//	@Produce		octet-stream
//	@Param			index	path		int		true	"leaf index, from 0"
//	@Success		200		{string}	string	"the leaf bytes"
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/log/entries/{index} [get]
func (s *Server) logEntry(c echo.Context) error {
	i, err := logIndex(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	e, err := s.store.LogEntry(ctx, i)
	if err != nil {
		return err
	}
	ok, err := s.store.EventReadable(ctx, viewer(c), e)
	if err != nil {
		return err
	}
	if !ok {
		return forbidden("this event belongs to a record you may not read; its hash is public at /v1/log/entries/" + strconv.FormatInt(i, 10) + "/hash")
	}
	return c.Blob(http.StatusOK, "application/octet-stream", e.Leaf())
}

// logEntryHash godoc
//
//	@Summary		A leaf's hash
//	@Description	The RFC 6962 leaf hash of any event, private or public: what inclusion proofs prove.
//	@Tags			log
//	@Produce		json
//	@Param			index	path		int	true	"leaf index, from 0"
//	@Success		200		{object}	leafHashResponse
//	@Failure		404		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/log/entries/{index}/hash [get]
func (s *Server) logEntryHash(c echo.Context) error {
	i, err := logIndex(c)
	if err != nil {
		return err
	}
	h, err := s.store.LeafHash(c.Request().Context(), i)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, leafHashResponse{Index: i, LeafHash: translog.HashString(h)})
}

// proofParams reads the named whole-number parameters of a proof request.
func proofParams(c echo.Context, names ...string) ([]int64, error) {
	q := newQuery(c, names...)
	out := make([]int64, len(names))
	for i, name := range names {
		v := q.str(name)
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			q.errs = append(q.errs, models.FieldError{Field: name, Message: "is required: a whole number"})
		}
		out[i] = n
	}
	for _, paging := range []string{"limit", "cursor"} {
		if q.values.Has(paging) {
			q.errs = append(q.errs, models.FieldError{Field: paging, Message: "is not a parameter of this endpoint"})
		}
	}
	return out, q.err(nil)
}

func hashStrings(hs []tlog.Hash) proofResponse {
	out := proofResponse{Proof: make([]string, len(hs))}
	for i, h := range hs {
		out.Proof[i] = translog.HashString(h)
	}
	return out
}

// logInclusionProof godoc
//
//	@Summary		Prove an event is in the log
//	@Description	The RFC 6962 inclusion proof of leaf `index` in the tree of `size` leaves (a checkpoint's size), in the order tlog.ProveRecord gives; check it with tlog.CheckRecord.
//	@Tags			log
//	@Produce		json
//	@Param			index	query		int	true	"leaf index, from 0"
//	@Param			size	query		int	true	"tree size, from index+1 to the log's size"
//	@Success		200		{object}	proofResponse
//	@Failure		422		{object}	Problem
//	@Router			/v1/log/proof/inclusion [get]
func (s *Server) logInclusionProof(c echo.Context) error {
	p, err := proofParams(c, "index", "size")
	if err != nil {
		return err
	}
	proof, err := s.store.ProveInclusion(c.Request().Context(), p[0], p[1])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, hashStrings(proof))
}

// logConsistencyProof godoc
//
//	@Summary		Prove the log only grew
//	@Description	The RFC 6962 consistency proof that the tree of `from` leaves is a prefix of the tree of `to` leaves, in the order tlog.ProveTree gives; check it with tlog.CheckTree.
//	@Tags			log
//	@Produce		json
//	@Param			from	query		int	true	"the older tree size, from 1"
//	@Param			to		query		int	true	"the newer tree size, up to the log's size"
//	@Success		200		{object}	proofResponse
//	@Failure		422		{object}	Problem
//	@Router			/v1/log/proof/consistency [get]
func (s *Server) logConsistencyProof(c echo.Context) error {
	p, err := proofParams(c, "from", "to")
	if err != nil {
		return err
	}
	proof, err := s.store.ProveConsistency(c.Request().Context(), p[0], p[1])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, hashStrings(proof))
}

// logRoutes adds the log's routes to the /v1 group.
func (s *Server) logRoutes(v1 *echo.Group) {
	v1.GET("/log/checkpoint", s.logCheckpoint)
	v1.GET("/log/entries/:index", s.logEntry)
	v1.GET("/log/entries/:index/hash", s.logEntryHash)
	v1.GET("/log/proof/inclusion", s.logInclusionProof)
	v1.GET("/log/proof/consistency", s.logConsistencyProof)
}
