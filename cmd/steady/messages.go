package main

import (
	"fmt"
	"os"

	"steady/flows"
)

// messagesEnv names a service's own message file: every sentence Steady says
// can be reworded there without a code change (same keys as
// flows/messages.en-GB.yaml; unknown keys are refused).
const messagesEnv = "STEADY_MESSAGES_FILE"

// loadCatalog returns the message catalogue: the built-in one with the
// overrides of path, or of $STEADY_MESSAGES_FILE when path is empty.
func loadCatalog(path string) (*flows.Catalog, error) {
	if path == "" {
		path = os.Getenv(messagesEnv)
	}
	if path == "" {
		return flows.DefaultCatalog(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("messages file: %w", err)
	}
	c, err := flows.NewCatalog(b)
	if err != nil {
		return nil, fmt.Errorf("messages file %s: %w", path, err)
	}
	return c, nil
}
