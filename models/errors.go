package models

import (
	"errors"
	"fmt"
	"strings"
)

// The kinds of error a service returns. The API maps each kind to one HTTP
// status; callers test for them with errors.Is.
var (
	// ErrNotFound: the object does not exist, or the caller may not know it does.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a unique key is taken, or the object is still referenced.
	ErrConflict = errors.New("conflict")
	// ErrInvalid: the input breaks a rule; the error is a *ValidationError.
	ErrInvalid = errors.New("invalid input")
	// ErrForbidden: the actor's role may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrPrecondition: the caller's version (If-Match) is stale.
	ErrPrecondition = errors.New("precondition failed")
)

// FieldError is one broken rule on one input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError collects every field error of one input, so the caller
// learns all of them at once. It matches ErrInvalid.
type ValidationError struct {
	Errors []FieldError
	// lookup is the first failure of the database while checking a
	// reference: the request is then not invalid, the database is
	// unavailable, and Err returns it (a 503), never "no camera model has
	// id" for a row that may well exist.
	lookup error
}

// lookupFailed records that checking a reference failed in the database.
func (v *ValidationError) lookupFailed(err error) {
	if v.lookup == nil && err != nil {
		v.lookup = err
	}
}

func (v *ValidationError) Error() string {
	parts := make([]string, len(v.Errors))
	for i, e := range v.Errors {
		parts[i] = e.Field + ": " + e.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrInvalid) true.
func (v *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Add records a field error.
func (v *ValidationError) Add(field, format string, args ...any) {
	v.Errors = append(v.Errors, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Check records a field error when ok is false.
func (v *ValidationError) Check(ok bool, field, format string, args ...any) {
	if !ok {
		v.Add(field, format, args...)
	}
}

// Err returns nil when no error was recorded, and v otherwise.
func (v *ValidationError) Err() error {
	if v.lookup != nil {
		return v.lookup
	}
	if len(v.Errors) == 0 {
		return nil
	}
	return v
}

// conflictError is a conflict with a message the user can act on.
type conflictError struct{ msg string }

func (c *conflictError) Error() string        { return c.msg }
func (c *conflictError) Is(target error) bool { return target == ErrConflict }

// Conflict returns an error that matches ErrConflict with the given message.
func Conflict(format string, args ...any) error {
	return &conflictError{msg: fmt.Sprintf(format, args...)}
}

// forbiddenError is a refusal with a message the user can act on.
type forbiddenError struct{ msg string }

func (f *forbiddenError) Error() string        { return f.msg }
func (f *forbiddenError) Is(target error) bool { return target == ErrForbidden }

// Forbidden returns an error that matches ErrForbidden with the given message.
func Forbidden(format string, args ...any) error {
	return &forbiddenError{msg: fmt.Sprintf(format, args...)}
}

func isConflict(err error) bool { return errors.Is(err, ErrConflict) }
