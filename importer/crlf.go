package importer

import "io"

// crlfWriter ends every CSV record with CRLF, as RFC 4180 §2 says, and
// leaves the fields' own bytes alone. encoding/csv's UseCRLF would do the
// first, but it also drops a lone carriage return inside a field, so an
// export would no longer import back to the same value. This follows
// encoding/csv's output: a record ends with a line feed outside quotes
// (a quote inside a quoted field is doubled, so the state toggles twice).
type crlfWriter struct {
	w      io.Writer
	quoted bool
}

func (c *crlfWriter) Write(p []byte) (int, error) {
	start := 0
	for i, b := range p {
		switch {
		case b == '"':
			c.quoted = !c.quoted
		case b == '\n' && !c.quoted:
			if _, err := c.w.Write(p[start:i]); err != nil {
				return start, err
			}
			if _, err := io.WriteString(c.w, "\r\n"); err != nil {
				return start, err
			}
			start = i + 1
		}
	}
	if _, err := c.w.Write(p[start:]); err != nil {
		return start, err
	}
	return len(p), nil
}
