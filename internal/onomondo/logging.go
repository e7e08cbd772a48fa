package onomondo

import "context"

// Logger receives the client's structured log lines. The provider bridges it
// to terraform-plugin-log (tflog); tests capture it. The client never passes
// a header, the API key or a response body to it.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Info(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Info(context.Context, string, map[string]any)  {}
