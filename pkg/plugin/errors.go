package plugin

import (
	"errors"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/store"
)

// ErrPanic marks a recovered panic: a plugin bug, reported as an error of
// the one query that hit it instead of crashing the plugin process.
var ErrPanic = errors.New("internal error in the TokenTrail plugin")

// errorResponse wraps err for Grafana with the right status and source:
// downstream for what the user or their ClickHouse caused (Grafana then
// does not count it against the plugin's SLO), plugin for our own bugs.
func errorResponse(err error) backend.DataResponse {
	status := backend.StatusInternal
	switch {
	case errors.Is(err, models.ErrInvalidQuery), errors.Is(err, models.ErrInvalidSettings):
		status = backend.StatusBadRequest
	case errors.Is(err, store.ErrAuth):
		status = backend.StatusUnauthorized
	case errors.Is(err, store.ErrBusy):
		status = backend.StatusTooManyRequests
	case errors.Is(err, store.ErrQueryTooLarge):
		status = backend.StatusBadRequest
	case errors.Is(err, store.ErrConnectionLost), errors.Is(err, store.ErrShardUnavailable):
		status = backend.StatusBadGateway
	case errors.Is(err, store.ErrTimeout):
		status = backend.StatusTimeout
	case errors.Is(err, store.ErrUnreachable), errors.Is(err, store.ErrTLS), errors.Is(err, store.ErrProtocol):
		status = backend.StatusBadGateway
	case errors.Is(err, store.ErrCanceled):
		status = backend.Status(499)
	case errors.Is(err, store.ErrNoDatabase), errors.Is(err, store.ErrNoTable), errors.Is(err, store.ErrSchema):
		status = backend.StatusBadRequest
	}
	if store.IsUserError(err) {
		err = backend.DownstreamError(err)
	} else {
		err = backend.PluginError(err)
	}
	resp := backend.ErrorResponseWithErrorSource(err)
	resp.Status = status
	return resp
}

func recovered(v any) error {
	return fmt.Errorf("%w: %s; please report it with the query that caused it", ErrPanic, echo.Clip(fmt.Sprint(v)))
}
